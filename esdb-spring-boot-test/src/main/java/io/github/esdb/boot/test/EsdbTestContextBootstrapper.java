package io.github.esdb.boot.test;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * Bootstraps {@link EsdbTest}: applies its {@code properties}.
 */
class EsdbTestContextBootstrapper extends TestSliceTestContextBootstrapper<EsdbTest> {

}
