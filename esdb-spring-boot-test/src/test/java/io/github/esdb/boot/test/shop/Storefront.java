package io.github.esdb.boot.test.shop;

import org.springframework.stereotype.Component;

/**
 * A component without subscriptions, which an {@code @EsdbTest} leaves out.
 */
@Component
public class Storefront {

}
