package io.github.esdb.subscription.annotation;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.PartitionKeyResolver;

/**
 * A partition key from a SpEL expression over {@code payload} and {@code context}. The expression is parsed once,
 * at start-up, and evaluated read-only (no bean references, no type references), so configuration cannot run
 * arbitrary code.
 */
final class ExpressionPartitionKeyResolver implements PartitionKeyResolver {

	private static final ExpressionParser parser = new SpelExpressionParser();

	private final Expression expression;

	private final String text;

	/**
	 * Parse an expression.
	 * @param text the expression
	 * @throws org.springframework.expression.ParseException if it does not parse
	 */
	ExpressionPartitionKeyResolver(String text) {
		this.text = text;
		this.expression = parser.parseExpression(text);
	}

	@Override
	public Object partitionKey(EventContext context, Supplier<@Nullable Object> payload) {
		Object key = this.expression.getValue(SimpleEvaluationContext.forReadOnlyDataBinding().build(),
				new Source(context, payload));
		// A missing key (a null property) still has to land somewhere: all such events share one partition.
		return (key != null) ? key : "";
	}

	@Override
	public String toString() {
		return "partitionBy = \"" + this.text + "\"";
	}

	/**
	 * The root object of the expression.
	 */
	public static final class Source {

		private final EventContext context;

		private final Supplier<@Nullable Object> payload;

		private @Nullable Object resolved;

		private boolean read;

		Source(EventContext context, Supplier<@Nullable Object> payload) {
			this.context = context;
			this.payload = payload;
		}

		/**
		 * The event's context.
		 * @return the context
		 */
		public EventContext getContext() {
			return this.context;
		}

		/**
		 * The deserialized payload, read on first use.
		 * @return the payload, {@code null} when no class is known for its type
		 */
		public @Nullable Object getPayload() {
			if (!this.read) {
				this.resolved = this.payload.get();
				this.read = true;
			}
			return this.resolved;
		}

	}

}
