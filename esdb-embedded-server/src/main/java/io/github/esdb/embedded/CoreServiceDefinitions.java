package io.github.esdb.embedded;

import io.grpc.ServerServiceDefinition;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;

/** Method lists of the always-present services, for the ServerFeatures answer (the real node lists them too). */
final class CoreServiceDefinitions {

	static final ServerServiceDefinition SERVER_FEATURES = new ServerFeaturesGrpc.ServerFeaturesImplBase() {
	}.bindService();

	static final ServerServiceDefinition GOSSIP = new GossipGrpc.GossipImplBase() {
	}.bindService();

	private CoreServiceDefinitions() {
	}

}
