package io.github.esdb.core;

import java.net.InetSocketAddress;

import org.springframework.dao.TransientDataAccessResourceException;

/**
 * The node that got the call is not the cluster leader. The client reconnects to the leader by itself, so the call
 * can be retried.
 */
public class EsdbNotLeaderException extends TransientDataAccessResourceException {

	private final InetSocketAddress leaderEndpoint;

	/**
	 * Create the exception.
	 * @param leaderEndpoint the leader the server pointed to, may be {@code null}
	 * @param cause the client's exception
	 */
	public EsdbNotLeaderException(InetSocketAddress leaderEndpoint, Throwable cause) {
		super("The KurrentDB node is not the leader; the leader is " + leaderEndpoint, cause);
		this.leaderEndpoint = leaderEndpoint;
	}

	/**
	 * The leader's address.
	 * @return the leader endpoint, or {@code null} if unknown
	 */
	public InetSocketAddress getLeaderEndpoint() {
		return this.leaderEndpoint;
	}

}
