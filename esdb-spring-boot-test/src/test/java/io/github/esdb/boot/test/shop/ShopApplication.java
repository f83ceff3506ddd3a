package io.github.esdb.boot.test.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small application for the tests of the test support: orders, an invoicing reaction and read models.
 */
@SpringBootApplication
public class ShopApplication {

}
