package io.github.esdb.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The measured rates of one benchmark run (warm-up runs are not in it), and their Markdown table; also the table
 * that sets the ratios of several runs, one per JVM ({@code --forks}), side by side.
 */
public final class BenchmarkReport {

	/** The first line of {@link #writeTsv(Path) the results file}. */
	private static final String TSV_HEADER = "variant\tround\tvalue";

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
			Summary paired = perRoundVsRaw(variant);
			String perRound = (paired != null) ? String.format(Locale.ROOT, "%.2f (%.2f – %.2f)", paired.median(),
					paired.min(), paired.max()) : "–";
			table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f – %,.0f | %s | %s | %s |%n",
					variant.measure().label(), variant.label(), summary.median(), summary.min(), summary.max(),
					variant.measure().unit(), ratio(vsRaw(variant)), perRound));
		}
		return table.toString();
	}

	/**
	 * The ratios of several runs of the same options, one per JVM, side by side: one row per variant that is
	 * compared with a raw baseline (every starter variant, and the raw client with Jackson, which shows what
	 * deserializing alone costs), each run's "vs raw" and "per round vs raw" median as in its {@link #toMarkdown()
	 * table}, and the median of each across the runs.
	 * @param forks the runs, in the order they ran
	 * @return the table
	 */
	public static String acrossForks(List<BenchmarkReport> forks) {
		StringBuilder table = new StringBuilder("| Measure | Variant |");
		StringBuilder alignment = new StringBuilder("|---|---|");
		for (int fork = 1; fork <= forks.size(); fork++) {
			table.append(String.format(Locale.ROOT, " fork %d vs raw | fork %d per round vs raw |", fork, fork));
			alignment.append("---:|---:|");
		}
		table.append(" median vs raw | median per round vs raw |\n");
		table.append(alignment).append("---:|---:|\n");
		for (Variant variant : Variant.values()) {
			if (forks.stream().allMatch((fork) -> fork.perRoundVsRaw(variant) == null)) {
				continue;
			}
			List<Double> vsRaw = forks.stream().map((fork) -> fork.vsRaw(variant)).toList();
			List<Double> perRound = forks.stream()
				.map((fork) -> fork.perRoundVsRaw(variant))
				.map((paired) -> (paired != null) ? paired.median() : null)
				.toList();
			table.append("| ").append(variant.measure().label()).append(" | ").append(variant.label()).append(" |");
			for (int fork = 0; fork < forks.size(); fork++) {
				table.append(' ').append(ratio(vsRaw.get(fork))).append(" | ").append(ratio(perRound.get(fork)))
					.append(" |");
			}
			table.append(' ').append(ratio(median(vsRaw))).append(" | ").append(ratio(median(perRound)))
				.append(" |\n");
		}
		return table.toString();
	}

	/** The median of the figures that exist: a fork without one shows "–" in its own column. */
	private static Double median(List<Double> values) {
		double[] present = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
		return (present.length > 0) ? summarize(present).median() : null;
	}

	private static String ratio(Double ratio) {
		return (ratio != null) ? String.format(Locale.ROOT, "%.2f", ratio) : "–";
	}

	/**
	 * The ratio of a variant's median to its raw baseline's median ("vs raw"), 1 for the baseline itself.
	 * @param variant the variant
	 * @return the ratio, {@code null} if the variant's measure has no baseline to compare with (heap, start-up) or
	 * either was not measured
	 */
	public Double vsRaw(Variant variant) {
		Variant baseline = comparedBaseline(variant);
		if (baseline == null || !this.rates.containsKey(variant) || !this.rates.containsKey(baseline)) {
			return null;
		}
		return summary(variant).median() / summary(baseline).median();
	}

	/**
	 * The ratios of a variant to its raw baseline taken round by round ("per round vs raw").
	 * @param variant the variant
	 * @return their median and range, {@code null} for a baseline, a variant whose measure has no baseline to compare
	 * with, or one not measured in the same rounds as its baseline
	 */
	public Summary perRoundVsRaw(Variant variant) {
		Variant baseline = comparedBaseline(variant);
		return (baseline != null && baseline != variant) ? roundRatios(variant, baseline) : null;
	}

	/** The baseline of the variant's measure; {@code null} when the measure (heap, start-up) has no other variant. */
	private static Variant comparedBaseline(Variant variant) {
		List<Variant> measure = Arrays.stream(Variant.values())
			.filter((v) -> v.measure() == variant.measure())
			.toList();
		return (measure.size() > 1) ? measure.stream().filter(Variant::isBaseline).findFirst().orElseThrow() : null;
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
	 * Write the measured figures as tab-separated lines of variant name, measured round (from 1) and value, for a
	 * forking JVM to {@link #readTsv(Path) read back}. Values are written in full ({@link Double#toString(double)}),
	 * so that the ratios computed from them are those of this JVM to the last digit.
	 * @param file the file to write
	 * @throws IOException if it cannot be written
	 */
	public void writeTsv(Path file) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add(TSV_HEADER);
		this.rates.forEach((variant, values) -> {
			for (int round = 1; round <= values.size(); round++) {
				lines.add(variant.name() + "\t" + round + "\t" + values.get(round - 1));
			}
		});
		Files.write(file, lines, StandardCharsets.UTF_8);
	}

	/**
	 * Read figures {@link #writeTsv(Path) written} by another JVM.
	 * @param file the file
	 * @return the report they make
	 * @throws IOException if it cannot be read
	 * @throws IllegalArgumentException if it is not such a file
	 */
	public static BenchmarkReport readTsv(Path file) throws IOException {
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		if (lines.isEmpty() || !lines.get(0).equals(TSV_HEADER)) {
			throw new IllegalArgumentException(file + " does not start with the line '" + TSV_HEADER + "'");
		}
		record Row(Variant variant, int round, double value) {

		}
		List<Row> rows = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] fields = line.split("\t");
			try {
				if (fields.length != 3) {
					throw new IllegalArgumentException("not 3 fields");
				}
				rows.add(new Row(Variant.valueOf(fields[0]), Integer.parseInt(fields[1]),
						Double.parseDouble(fields[2])));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Bad line '" + line + "' in " + file + ": " + ex.getMessage(), ex);
			}
		}
		// A variant's list index is its round: the per-round ratios pair the variant's and the baseline's by it.
		BenchmarkReport report = new BenchmarkReport();
		rows.stream()
			.sorted(Comparator.comparing(Row::variant).thenComparingInt(Row::round))
			.forEach((row) -> report.add(row.variant(), row.value()));
		return report;
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
