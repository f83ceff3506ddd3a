package io.github.esdb.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethod;
import io.kurrent.dbclient.proto.shared.Shared;
import org.junit.jupiter.api.Test;

/** Service factories listed in META-INF/services are bound and show up in ServerFeatures, unless disabled. */
class ServiceDiscoveryTest {

	@Test
	void discoveredFactoriesAreBoundAndAdvertised() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			List<SupportedMethod> methods = supportedMethods(server);
			assertThat(methods).filteredOn((m) -> m.getServiceName().equals("event_store.client.users.users"))
				.singleElement()
				.satisfies((m) -> {
					assertThat(m.getMethodName()).isEqualTo("details");
					assertThat(m.getFeaturesList()).isEmpty();
				});
		}
	}

	@Test
	void discoveryCanBeSwitchedOff() throws Exception {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().discoverServices(false).build().start()) {
			assertThat(supportedMethods(server)).noneMatch((m) -> m.getServiceName().contains("users"));
		}
	}

	private static List<SupportedMethod> supportedMethods(EmbeddedEsdbServer server) throws InterruptedException {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		try {
			return ServerFeaturesGrpc.newBlockingStub(channel)
				.getSupportedMethods(Shared.Empty.getDefaultInstance())
				.getMethodsList();
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

}
