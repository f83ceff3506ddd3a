package io.github.esdb.embedded.grpc;

import java.util.UUID;
import java.util.function.Supplier;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.ClusterInfo;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.EndPoint;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.MemberInfo;
import io.kurrent.dbclient.proto.shared.Shared;

/**
 * Gossip/Read: a single alive Leader, this node, so {@code kurrentdb+discover://} connection strings work. The
 * address is the advertised host if configured, else the host the client used to reach us (the call's authority).
 */
public final class GossipService extends GossipGrpc.GossipImplBase {

	/** Holds the {@code :authority} of the current call, set by {@link AuthorityInterceptor}. */
	static final Context.Key<String> AUTHORITY = Context.key("authority");

	private final UUID instanceId;

	private final String advertisedHost;

	private final Supplier<Integer> port;

	/**
	 * Creates the service.
	 * @param instanceId this node's id
	 * @param advertisedHost the host to announce, or null to echo the client's authority host
	 * @param port the bound port
	 */
	public GossipService(UUID instanceId, String advertisedHost, Supplier<Integer> port) {
		this.instanceId = instanceId;
		this.advertisedHost = advertisedHost;
		this.port = port;
	}

	@Override
	public void read(Shared.Empty request, StreamObserver<ClusterInfo> responseObserver) {
		MemberInfo member = MemberInfo.newBuilder()
			.setInstanceId(Shared.UUID.newBuilder()
				.setStructured(Shared.UUID.Structured.newBuilder()
					.setMostSignificantBits(this.instanceId.getMostSignificantBits())
					.setLeastSignificantBits(this.instanceId.getLeastSignificantBits())))
			.setTimeStamp(System.currentTimeMillis() * 10_000L)
			.setState(MemberInfo.VNodeState.Leader)
			.setIsAlive(true)
			.setHttpEndPoint(EndPoint.newBuilder().setAddress(host()).setPort(this.port.get()))
			.build();
		responseObserver.onNext(ClusterInfo.newBuilder().addMembers(member).build());
		responseObserver.onCompleted();
	}

	private String host() {
		if (this.advertisedHost != null) {
			return this.advertisedHost;
		}
		String authority = AUTHORITY.get();
		if (authority != null && !authority.isEmpty()) {
			if (authority.startsWith("[")) {
				return authority.substring(1, authority.indexOf(']'));
			}
			int colon = authority.lastIndexOf(':');
			return (colon > 0) ? authority.substring(0, colon) : authority;
		}
		return "127.0.0.1";
	}

}
