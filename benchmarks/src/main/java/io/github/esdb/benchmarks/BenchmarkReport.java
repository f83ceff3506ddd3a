package io.github.esdb.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measured rates of one benchmark run (warm-up runs are not in it), and their Markdown table.
 */
public final class BenchmarkReport {

	private final Map<Variant, List<Double>> rates = new EnumMap<>(Variant.class);

	/**
	 * Add a measured run.
	 * @param variant the variant
	 * @param rate events (or appends) per second
	 */
	void add(Variant variant, double rate) {
		this.rates.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(rate);
	}

	/**
	 * The summary of one variant.
	 * @param variant the variant
	 * @return its median, minimum and maximum rate
	 * @throws IllegalArgumentException if the variant was not measured
	 */
	public Summary summary(Variant variant) {
		List<Double> measured = this.rates.get(variant);
		if (measured == null || measured.isEmpty()) {
			throw new IllegalArgumentException(variant + " was not measured");
		}
		return summarize(measured.stream().mapToDouble(Double::doubleValue).toArray());
	}

	private static Summary summarize(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		double median = (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
		return new Summary(median, sorted[0], sorted[sorted.length - 1], sorted.length);
	}

	/**
	 * The report as a Markdown table: one row per variant, its median, the range, the unit, the ratio of its median
	 * to the baseline's (the raw client's) median for the same measure, and the median and range of the ratios
	 * taken round by round (each against the baseline of the same round, which ran minutes apart at most: on a
	 * shared machine whose load swings, these paired ratios spread less than the rates themselves).
	 * @return the table
	 */
	public String toMarkdown() {
		StringBuilder table = new StringBuilder();
		table.append("| Measure | Variant | median | min – max | unit | vs raw | per round vs raw |\n");
		table.append("|---|---|---:|---:|---|---:|---:|\n");
		for (Variant variant : Variant.values()) {
			if (!this.rates.containsKey(variant)) {
				continue;
			}
			Summary summary = summary(variant);
			Variant baseline = Arrays.stream(Variant.values())
				.filter((v) -> v.measure() == variant.measure() && v.isBaseline())
				.findFirst()
				.orElseThrow();
			// A measure of one variant (heap, start-up) has no raw side to compare with.
			boolean compared = Arrays.stream(Variant.values())
				.filter((v) -> v.measure() == variant.measure())
				.count() > 1;
			String ratio = (compared && this.rates.containsKey(baseline))
					? String.format(Locale.ROOT, "%.2f", summary.median() / summary(baseline).median()) : "–";
			Summary paired = (compared && variant != baseline) ? roundRatios(variant, baseline) : null;
			String perRound = (paired != null) ? String.format(Locale.ROOT, "%.2f (%.2f – %.2f)", paired.median(),
					paired.min(), paired.max()) : "–";
			table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f – %,.0f | %s | %s | %s |%n",
					variant.measure().label(), variant.label(), summary.median(), summary.min(), summary.max(),
					variant.measure().unit(), ratio, perRound));
		}
		return table.toString();
	}

	/**
	 * The ratios of a variant to its baseline, round by round.
	 * @param variant the variant
	 * @param baseline its measure's baseline
	 * @return their median and range, {@code null} unless both were measured in the same rounds
	 */
	public Summary roundRatios(Variant variant, Variant baseline) {
		List<Double> measured = this.rates.get(variant);
		List<Double> base = this.rates.get(baseline);
		if (measured == null || base == null || measured.size() != base.size() || measured.isEmpty()) {
			return null;
		}
		double[] ratios = new double[measured.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = measured.get(i) / base.get(i);
		}
		return summarize(ratios);
	}

	/**
	 * The rates of one variant.
	 *
	 * @param median the median rate
	 * @param min the lowest rate
	 * @param max the highest rate
	 * @param runs how many runs were measured
	 */
	public record Summary(double median, double min, double max, int runs) {

	}

}
