package dev.realtime.hub;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application the hub's {@code @SpringBootTest} classes start: the hub's
 * auto-configuration with a web server and a database, nothing else (the client library
 * on the test classpath is switched off in the tests' {@code application.yml}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class HubTestApplication {

}
