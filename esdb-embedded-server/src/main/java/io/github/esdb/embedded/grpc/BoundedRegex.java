package io.github.esdb.embedded.grpc;

import java.util.regex.Pattern;

import io.grpc.StatusRuntimeException;

/**
 * A user-supplied filter regex evaluated against a step budget. {@code java.util.regex} backtracks, so a pattern
 * such as {@code (a+)+$} needs exponential time on some inputs; the real node has no guard against that at all.
 * Here every evaluation reads its input through a {@link CharSequence} that counts {@code charAt} calls (every
 * character the engine examines, backtracking included) and gives up after {@link #budget(int)} of them. The
 * count does not depend on the machine's speed, so a pattern either fits the budget on an input or does not.
 * A too deep recursion of the engine ({@link StackOverflowError}) ends the evaluation the same way.
 */
final class BoundedRegex {

	/** Steps any input may use, on top of {@link #STEPS_PER_CHARACTER} per character. */
	static final long BASE_STEPS = 1_000_000;

	/** Extra steps per input character, so long names (up to megabytes) stay matchable in linear time. */
	static final long STEPS_PER_CHARACTER = 16;

	private static final int MAX_REGEX_IN_MESSAGE = 200;

	private final Pattern pattern;

	private final String regex;

	private final String filterName;

	/**
	 * Compiles a filter regex.
	 * @param regex the expression
	 * @param filterName what it filters, for messages ({@code "stream name"} or {@code "event type"})
	 * @throws java.util.regex.PatternSyntaxException when it does not compile
	 */
	BoundedRegex(String regex, String filterName) {
		this.pattern = compile(regex);
		this.regex = regex;
		this.filterName = filterName;
	}

	private static Pattern compile(String regex) {
		try {
			return Pattern.compile(regex);
		}
		catch (StackOverflowError ex) {
			// Thousands of nested groups: the compiler recurses once per level.
			throw new java.util.regex.PatternSyntaxException("Expression nested too deeply", regex, -1);
		}
	}

	/**
	 * The number of {@code charAt} calls one evaluation may make on an input of the given length.
	 * @param length the input length
	 * @return the budget
	 */
	static long budget(int length) {
		return BASE_STEPS + STEPS_PER_CHARACTER * length;
	}

	/**
	 * Unanchored search ({@code find()}, like .NET's {@code Regex.Match(...).Success}).
	 * @param value the stream name or event type
	 * @return whether the expression occurs in it
	 * @throws StatusRuntimeException INVALID_ARGUMENT naming the filter when the evaluation exceeds its budget
	 */
	boolean find(String value) {
		BudgetedSequence input = new BudgetedSequence(value, budget(value.length()));
		try {
			return this.pattern.matcher(input).find();
		}
		catch (BudgetExhausted | StackOverflowError ex) {
			throw tooExpensive(value.length());
		}
	}

	/**
	 * A regex as quoted in error messages: long ones are cut, so the status message stays far below the client's
	 * 8 KiB limit for response metadata.
	 * @param regex the expression
	 * @return the expression, or its first 200 characters followed by {@code ...}
	 */
	static String abbreviate(String regex) {
		return (regex.length() > MAX_REGEX_IN_MESSAGE) ? regex.substring(0, MAX_REGEX_IN_MESSAGE) + "..." : regex;
	}

	private StatusRuntimeException tooExpensive(int length) {
		return Errors.invalidArgument("The " + this.filterName + " filter regex '" + abbreviate(this.regex)
				+ "' is too expensive to evaluate: matching it against a " + this.filterName + " of " + length
				+ " characters needed more than " + budget(length)
				+ " steps (catastrophic backtracking). Use a simpler expression or a prefix filter.");
	}

	/** Thrown by {@link BudgetedSequence}; carries no stack trace, it is thrown from deep recursion. */
	private static final class BudgetExhausted extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BudgetExhausted() {
			super(null, null, false, false);
		}

	}

	/** The input seen by the regex engine, counting every character it reads. */
	private static final class BudgetedSequence implements CharSequence {

		private final String value;

		private final int offset;

		private final int length;

		private final long[] remaining;

		BudgetedSequence(String value, long budget) {
			this(value, 0, value.length(), new long[] { budget });
		}

		private BudgetedSequence(String value, int offset, int length, long[] remaining) {
			this.value = value;
			this.offset = offset;
			this.length = length;
			this.remaining = remaining;
		}

		@Override
		public int length() {
			return this.length;
		}

		@Override
		public char charAt(int index) {
			if (--this.remaining[0] < 0) {
				throw new BudgetExhausted();
			}
			if (index < 0 || index >= this.length) {
				throw new IndexOutOfBoundsException(index);
			}
			return this.value.charAt(this.offset + index);
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			if (start < 0 || end > this.length || start > end) {
				throw new IndexOutOfBoundsException("[" + start + ", " + end + ")");
			}
			// Shares the budget: work on a slice counts against the same evaluation.
			return new BudgetedSequence(this.value, this.offset + start, end - start, this.remaining);
		}

		@Override
		public String toString() {
			return this.value.substring(this.offset, this.offset + this.length);
		}

	}

}
