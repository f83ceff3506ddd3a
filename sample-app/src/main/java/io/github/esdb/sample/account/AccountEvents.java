package io.github.esdb.sample.account;

import io.github.esdb.serialization.EventType;

/**
 * The events of a bank account, one stream per account ({@code account-<id>}).
 */
public final class AccountEvents {

	private AccountEvents() {
	}

	/**
	 * The stream of an account.
	 * @param accountId the account id
	 * @return the stream name
	 */
	public static String stream(String accountId) {
		return "account-" + accountId;
	}

	/**
	 * An account was opened.
	 *
	 * @param accountId the account id
	 * @param owner who owns it
	 */
	@EventType("AccountOpened")
	public record AccountOpened(String accountId, String owner) {
	}

	/**
	 * Money was paid in.
	 *
	 * @param accountId the account id
	 * @param amount the amount in cents
	 */
	@EventType("MoneyDeposited")
	public record MoneyDeposited(String accountId, long amount) {
	}

	/**
	 * A customer asked to take money out; the withdrawal processor decides.
	 *
	 * @param accountId the account id
	 * @param requestId the request id
	 * @param amount the amount in cents
	 */
	@EventType("WithdrawalRequested")
	public record WithdrawalRequested(String accountId, String requestId, long amount) {
	}

	/**
	 * Money was taken out.
	 *
	 * @param accountId the account id
	 * @param requestId the request it fulfils
	 * @param amount the amount in cents
	 */
	@EventType("MoneyWithdrawn")
	public record MoneyWithdrawn(String accountId, String requestId, long amount) {
	}

}
