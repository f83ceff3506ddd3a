package io.github.esdb.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The Spring Boot application of the starter's side: the starter's auto-configuration as an application gets it,
 * plus the benchmark handlers. No component scan, so nothing else of this package is picked up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(BenchmarkHandlers.class)
public class BenchmarkApplication {

}
