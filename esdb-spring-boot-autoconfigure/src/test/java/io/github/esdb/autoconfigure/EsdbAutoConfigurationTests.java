package io.github.esdb.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.ConnectionSettingsBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.NodePreference;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.test.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EsdbAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class));

	@Test
	void defaultsToLocalhostWithTheClientDefaults() {
		this.runner.run((context) -> {
			KurrentDBClientSettings settings = context.getBean(KurrentDBClientSettings.class);
			assertThat(settings.getHosts()).singleElement().satisfies((host) -> {
				assertThat(host.getHost()).isEqualTo("localhost");
				assertThat(host.getPort()).isEqualTo(2113);
			});
			assertThat(settings.isTls()).isTrue();
			assertThat(settings.getNodePreference()).isEqualTo(NodePreference.LEADER);
			assertThat(context).hasSingleBean(KurrentDBClient.class)
				.hasSingleBean(KurrentDBPersistentSubscriptionsClient.class)
				.hasSingleBean(KurrentDBProjectionManagementClient.class);
		});
	}

	@Test
	void bindsTheConnectionStringAndTuningProperties() {
		this.runner
			.withPropertyValues("esdb.connection-string=kurrentdb+discover://node1:2113,node2:2114?tls=false&nodePreference=follower",
					"esdb.keep-alive-interval=15s", "esdb.keep-alive-timeout=20s", "esdb.default-deadline=3s",
					"esdb.max-discover-attempts=7", "esdb.discovery-interval=250ms", "esdb.gossip-timeout=4s")
			.run((context) -> {
				KurrentDBClientSettings settings = context.getBean(KurrentDBClientSettings.class);
				assertThat(settings.getHosts()).extracting((host) -> host.getHost() + ":" + host.getPort())
					.containsExactly("node1:2113", "node2:2114");
				assertThat(settings.isDnsDiscover()).isTrue();
				assertThat(settings.isTls()).isFalse();
				assertThat(settings.getNodePreference()).isEqualTo(NodePreference.FOLLOWER);
				assertThat(settings.getKeepAliveInterval()).isEqualTo(15_000);
				assertThat(settings.getKeepAliveTimeout()).isEqualTo(20_000);
				assertThat(settings.getDefaultDeadline()).isEqualTo(3_000);
				assertThat(settings.getMaxDiscoverAttempts()).isEqualTo(7);
				assertThat(settings.getDiscoveryInterval()).isEqualTo(250);
				assertThat(settings.getGossipTimeout()).isEqualTo(4_000);
			});
	}

	@Test
	void bindsDiscreteEndpointProperties(@TempDir Path dir) throws Exception {
		Path ca = SelfSignedCertificate.create(dir).certificate();
		this.runner
			.withPropertyValues("esdb.hosts=a:1113,b:2113", "esdb.discover=true", "esdb.tls=true",
					"esdb.tls-verify-cert=false", "esdb.tls-ca-file=" + ca, "esdb.node-preference=read-only-replica",
					"esdb.username=admin", "esdb.password=changeit")
			.run((context) -> {
				KurrentDBClientSettings settings = context.getBean(KurrentDBClientSettings.class);
				assertThat(settings.getHosts()).extracting((host) -> host.getHost() + ":" + host.getPort())
					.containsExactly("a:1113", "b:2113");
				assertThat(settings.isDnsDiscover()).isTrue();
				assertThat(settings.isTls()).isTrue();
				assertThat(settings.isTlsVerifyCert()).isFalse();
				assertThat(settings.getTlsCaFile()).isEqualTo(ca.toString());
				assertThat(settings.getNodePreference()).isEqualTo(NodePreference.READ_ONLY_REPLICA);
				assertThat(settings.getDefaultCredentials()).isNotNull();
			});
	}

	@Test
	void credentialsMayBeCombinedWithAConnectionString() {
		this.runner
			.withPropertyValues("esdb.connection-string=kurrentdb://db:2113", "esdb.username=ops",
					"esdb.password=s3cret")
			.run((context) -> assertThat(context.getBean(KurrentDBClientSettings.class).getDefaultCredentials())
				.isNotNull());
	}

	@Test
	void connectionStringTogetherWithEndpointPropertiesFailsNamingWhatToKeep() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://db:2113", "esdb.hosts=other:2113",
				"esdb.tls=false")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("esdb.connection-string")
					.contains("esdb.hosts, esdb.tls");
				assertThat(analysis.getAction()).contains("Keep either esdb.connection-string")
					.contains("kurrentdb://localhost:2113?tls=false");
			});
	}

	@Test
	void unparsableConnectionStringFailsWithAnExampleAndWithoutTheSecret() {
		this.runner.withPropertyValues("esdb.connection-string=bogus://admin:hunter2@db:2113")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("esdb.connection-string")
					.contains("Unknown URL scheme")
					.contains("bogus://******@db:2113")
					.doesNotContain("hunter2");
				assertThat(analysis.getAction()).contains("esdb.connection-string=kurrentdb://localhost:2113?tls=false");
				assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("hunter2");
			});
	}

	@Test
	void badTlsValueInTheConnectionStringIsReported() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://db:2113?tls=maybe")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("esdb.connection-string")
				.contains("tls"));
	}

	@Test
	void badHostEntryIsReported() {
		this.runner.withPropertyValues("esdb.hosts=db")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("esdb.hosts").contains("'db' is not a host:port");
				assertThat(analysis.getAction()).contains("esdb.hosts=node1:2113,node2:2113");
			});
	}

	@Test
	void unreadableCaFileIsReported(@TempDir Path dir) {
		Path missing = dir.resolve("missing-ca.crt");
		this.runner.withPropertyValues("esdb.tls-ca-file=" + missing)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("esdb.tls-ca-file").contains("does not exist");
				assertThat(analysis.getAction()).contains("esdb.tls-ca-file=/etc/kurrentdb/ca.crt");
			});
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://db:2113?tls=true&tlsCaFile=" + missing)
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("esdb.connection-string (tlsCaFile)"));
	}

	@Test
	void caFileWithoutACertificateIsReported(@TempDir Path dir) throws Exception {
		Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate");
		this.runner.withPropertyValues("esdb.tls-ca-file=" + notPem)
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("esdb.tls-ca-file")
				.contains("holds no PEM certificate"));
	}

	@Test
	void passwordWithoutUsernameIsReported() {
		this.runner.withPropertyValues("esdb.password=s3cret")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("esdb.username").doesNotContain("s3cret");
			});
	}

	@Test
	void nonPositiveDurationIsReported() {
		this.runner.withPropertyValues("esdb.default-deadline=0s")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("esdb.default-deadline"));
	}

	@Test
	void customizersRunInOrderAfterTheProperties() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://db:2113?tls=false", "esdb.gossip-timeout=1s")
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean("calls", List.class)).containsExactly("first", "second");
				// The second customizer saw the value the first one set, and the property before that.
				assertThat(context.getBean(KurrentDBClientSettings.class).getGossipTimeout()).isEqualTo(2_002);
			});
	}

	@Test
	void userConnectionDetailsWinOverProperties() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://from-properties:2113?tls=false")
			.withBean(EsdbConnectionDetails.class, () -> () -> "kurrentdb://from-details:3113?tls=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PropertiesEsdbConnectionDetails.class);
				assertThat(context.getBean(KurrentDBClientSettings.class).getHosts()[0].getHost())
					.isEqualTo("from-details");
			});
	}

	@Test
	void backsOffFromUserDefinedBeans() {
		KurrentDBClientSettings userSettings = KurrentDBConnectionString.parseOrThrow("kurrentdb://user:2113?tls=false");
		this.runner.withBean(KurrentDBClientSettings.class, () -> userSettings)
			.run((context) -> assertThat(context.getBean(KurrentDBClientSettings.class)).isSameAs(userSettings));
		KurrentDBClient userClient = KurrentDBClient.create(userSettings);
		try {
			this.runner.withBean("myClient", KurrentDBClient.class, () -> userClient)
				.run((context) -> {
					assertThat(context).hasSingleBean(KurrentDBClient.class);
					assertThat(context.getBean(KurrentDBClient.class)).isSameAs(userClient);
				});
		}
		finally {
			userClient.shutdown();
		}
	}

	@Test
	void shutsTheClientDownWithTheContext() {
		List<KurrentDBClient> clients = new ArrayList<>();
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://localhost:1?tls=false")
			.run((context) -> clients.add(context.getBean(KurrentDBClient.class)));
		await().until(() -> clients.get(0).isShutdown());
	}

	@Test
	void theClientBeansAreTheProvidersFirstClients() {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://localhost:1?tls=false").run((context) -> {
			assertThat(context).hasSingleBean(KurrentDBClientProvider.class);
			KurrentDBClientProvider provider = context.getBean(KurrentDBClientProvider.class);
			assertThat(context.getBean(KurrentDBClient.class)).isSameAs(provider.client());
			assertThat(context.getBean(KurrentDBPersistentSubscriptionsClient.class))
				.isSameAs(provider.persistentSubscriptions());
			assertThat(context.getBean(KurrentDBProjectionManagementClient.class)).isSameAs(provider.projections());
		});
	}

	@Test
	void wrapsTheApplicationsOwnClientWithoutEverReplacingIt() throws Exception {
		KurrentDBClient userClient = KurrentDBClient
			.create(KurrentDBConnectionString.parseOrThrow("kurrentdb://localhost:1?tls=false"));
		try {
			this.runner.withBean("myClient", KurrentDBClient.class, () -> userClient).run((context) -> {
				KurrentDBClientProvider provider = context.getBean(KurrentDBClientProvider.class);
				assertThat(provider.client()).isSameAs(userClient);
				userClient.shutdown().get(10, TimeUnit.SECONDS);
				assertThat(provider.client()).isSameAs(userClient);
				assertThat(provider.replacements()).isZero();
			});
		}
		finally {
			userClient.shutdown();
		}
	}

	@Test
	void backsOffFromTheApplicationsOwnProvider() {
		KurrentDBClientProvider userProvider = new KurrentDBClientProvider(
				KurrentDBConnectionString.parseOrThrow("kurrentdb://user:2113?tls=false"));
		try {
			this.runner.withBean("myProvider", KurrentDBClientProvider.class, () -> userProvider).run((context) -> {
				assertThat(context).hasSingleBean(KurrentDBClientProvider.class);
				assertThat(context.getBean(KurrentDBClientProvider.class)).isSameAs(userProvider);
				assertThat(context.getBean(KurrentDBClient.class)).isSameAs(userProvider.client());
			});
		}
		finally {
			userProvider.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	void theProviderCreatesNoClientOnceTheContextIsClosed() {
		List<KurrentDBClientProvider> providers = new ArrayList<>();
		List<KurrentDBClient> clients = new ArrayList<>();
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://localhost:1?tls=false").run((context) -> {
			providers.add(context.getBean(KurrentDBClientProvider.class));
			clients.add(context.getBean(KurrentDBClient.class));
		});
		await().until(() -> clients.get(0).isShutdown());
		assertThat(providers.get(0).client()).isSameAs(clients.get(0));
		assertThat(providers.get(0).replacements()).isZero();
	}

	@Test
	void propertiesToStringHidesTheSecrets() {
		EsdbProperties properties = new EsdbProperties();
		properties.setConnectionString("kurrentdb://admin:hunter2@db:2113");
		properties.setPassword("s3cret");
		assertThat(properties.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("******");
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		FailureAnalysis analysis = new InvalidEsdbConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of " + failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		List<String> calls() {
			return new ArrayList<>();
		}

		@Bean
		@Order(2)
		EsdbClientSettingsCustomizer second(List<String> calls) {
			return (builder) -> {
				calls.add("second");
				builder.gossipTimeout(2_002);
			};
		}

		@Bean
		@Order(1)
		EsdbClientSettingsCustomizer first(List<String> calls) {
			return (ConnectionSettingsBuilder builder) -> {
				calls.add("first");
				builder.gossipTimeout(1_001);
			};
		}

	}

}
