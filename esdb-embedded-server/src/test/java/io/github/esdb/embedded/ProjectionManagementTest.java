package io.github.esdb.embedded;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.ProjectionDetails;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official projection management client against the system projections. */
class ProjectionManagementTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	private static KurrentDBProjectionManagementClient projections;

	@BeforeAll
	static void createClient() {
		projections = KurrentDBProjectionManagementClient.from(server.client());
	}

	@AfterAll
	static void shutdownClient() throws Exception {
		projections.shutdown().get(30, TimeUnit.SECONDS);
	}

	private static String category() {
		return "mgmt" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	private static List<String> ceData(String category) throws Exception {
		try {
			return server.client()
				.readStream("$ce-" + category, ReadStreamOptions.get())
				.get(30, TimeUnit.SECONDS)
				.getEvents()
				.stream()
				.map(ProjectionManagementTest::data)
				.toList();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			if (ex.getCause() instanceof io.kurrent.dbclient.StreamNotFoundException) {
				return List.of();
			}
			throw ex;
		}
	}

	private static String data(ResolvedEvent event) {
		return new String(event.getEvent().getEventData(), StandardCharsets.UTF_8);
	}

	@Test
	void listShowsTheSystemProjectionsOfAFreshNode() throws Exception {
		List<ProjectionDetails> list = projections.list().get(30, TimeUnit.SECONDS);
		assertThat(list).extracting(ProjectionDetails::getName)
			.containsExactly("$streams", "$stream_by_category", "$by_category", "$by_event_type",
					"$by_correlation_id");
		assertThat(list).extracting(ProjectionDetails::getMode).containsOnly("Continuous");
		assertThat(list).filteredOn((p) -> p.getName().equals("$by_correlation_id"))
			.extracting(ProjectionDetails::getStatus)
			.containsExactly("Stopped");
		ProjectionDetails byCategory = projections.getStatistics("$by_category").get(30, TimeUnit.SECONDS);
		assertThat(byCategory.getStatus()).isEqualTo("Running");
		assertThat(byCategory.getEffectiveName()).isEqualTo("$by_category");
		assertThat(byCategory.getEventsProcessedAfterRestart()).isPositive();
		assertThat(byCategory.getPosition()).startsWith("C:");
		assertThat(projections.getStatus("$streams").get(30, TimeUnit.SECONDS).getStatus()).isEqualTo("Running");
	}

	@Test
	void aDisabledProjectionWritesNothingUntilEnabledThenCatchesUp() throws Exception {
		String category = category();
		projections.disable("$by_category").get(30, TimeUnit.SECONDS);
		try {
			assertThat(projections.getStatus("$by_category").get(30, TimeUnit.SECONDS).getStatus())
				.isEqualTo("Stopped");
			server.client().appendToStream(category + "-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);
			assertThat(ceData(category)).isEmpty();
		}
		finally {
			projections.enable("$by_category").get(30, TimeUnit.SECONDS);
		}
		assertThat(ceData(category)).containsExactly("0@" + category + "-1");
		assertThat(projections.getStatus("$by_category").get(30, TimeUnit.SECONDS).getStatus()).isEqualTo("Running");
		server.client().appendToStream(category + "-1", TestSupport.json("Paid", "{}")).get(30, TimeUnit.SECONDS);
		assertThat(ceData(category)).containsExactly("0@" + category + "-1", "1@" + category + "-1");
	}

	@Test
	void resetWritesTheLinksAgainWithANewVersionAndHidesTheOldOnes() throws Exception {
		String category = category();
		server.client().appendToStream(category + "-1", TestSupport.json("Placed", "{}")).get(30, TimeUnit.SECONDS);
		projections.reset("$by_category").get(30, TimeUnit.SECONDS);

		List<ResolvedEvent> links = server.client()
			.readStream("$ce-" + category, ReadStreamOptions.get())
			.get(30, TimeUnit.SECONDS)
			.getEvents();
		assertThat(links).singleElement().satisfies((link) -> {
			assertThat(data(link)).isEqualTo("0@" + category + "-1");
			assertThat(link.getEvent().getRevision()).isEqualTo(1L);
			assertThat(new String(link.getEvent().getUserMetadata(), StandardCharsets.UTF_8))
				.contains("\"$v\":\"3:2:2:4\"");
		});
		ProjectionDetails details = projections.getStatistics("$by_category").get(30, TimeUnit.SECONDS);
		assertThat(details.getVersion()).isEqualTo(2);
		assertThat(details.getStatus()).isEqualTo("Running");
	}

	@Test
	void stateAndResultOfASystemProjectionAreEmptyObjects() throws Exception {
		assertThat(projections.getState("$by_category", Map.class).get(30, TimeUnit.SECONDS)).isEmpty();
		assertThat(projections.getResult("$streams", Map.class).get(30, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void unknownProjectionsAreNotFound() {
		assertThatThrownBy(() -> projections.getStatistics("nope").get(30, TimeUnit.SECONDS))
			.cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
				assertThat(ex.getStatus().getDescription()).isEqualTo("Projection 'nope' not found");
			});
		assertThatThrownBy(() -> projections.enable("nope").get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
	}

	@Test
	void userJavaScriptProjectionsAreRefusedNamingTheLimit() {
		assertThatThrownBy(() -> projections.create("orders-total", "fromAll().when({})").get(30, TimeUnit.SECONDS))
			.cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
				assertThat(ex.getStatus().getDescription()).contains("orders-total")
					.contains("only the system projections")
					.contains("JavaScript");
			});
		assertThatThrownBy(() -> projections.enable("$by_correlation_id").get(30, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(StatusRuntimeException.class,
					(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
	}

	@Test
	void withoutProjectionsTheServiceIsNotThere() throws Exception {
		try (EmbeddedEsdbServer none = EmbeddedEsdbServer.builder().projections(ProjectionsMode.NONE).build().start()) {
			io.kurrent.dbclient.KurrentDBClient client = TestSupport.client(none.connectionString());
			KurrentDBProjectionManagementClient management = KurrentDBProjectionManagementClient.from(client);
			try {
				assertThatThrownBy(() -> management.list().get(30, TimeUnit.SECONDS)).cause()
					.isInstanceOfSatisfying(StatusRuntimeException.class,
							(ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
			}
			finally {
				client.shutdown().get(30, TimeUnit.SECONDS);
			}
		}
	}

}
