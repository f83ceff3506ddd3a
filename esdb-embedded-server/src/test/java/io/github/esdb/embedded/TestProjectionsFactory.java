package io.github.esdb.embedded;

import java.util.Set;

import io.grpc.BindableService;
import io.kurrent.dbclient.proto.projections.ProjectionsGrpc;

/** Listed in the test META-INF/services: proves discovered factories are bound and advertised. */
public class TestProjectionsFactory implements ServiceFactory {

	@Override
	public BindableService create(ServiceContext context) {
		return ServiceContext.implementedOnly(new ProjectionsGrpc.ProjectionsImplBase() {
		}, Set.of("Create"));
	}

}
