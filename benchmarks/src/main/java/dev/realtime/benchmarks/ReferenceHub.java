package dev.realtime.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.hub.HubNode;

/**
 * The reference hub ({@code realtime-hub}) alone in an application context of its own, as
 * a hub application runs it: on a fresh PostgreSQL schema whose tables it migrates
 * itself, with a static development token per user of the benchmark, and everything else
 * at its defaults unless a row says otherwise.
 */
final class ReferenceHub implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final URI uri;

	/**
	 * Start a hub.
	 * @param database where its schema is created
	 * @param name prefix of the schema's name
	 * @param tokens the development tokens, each mapped to the user it authenticates
	 * @param rewriteBatchedInserts whether the hub's JDBC URL lets the driver rewrite
	 * batched inserts (as the raw rows it is compared with do)
	 * @param settings further {@code name=value} properties
	 */
	ReferenceHub(Database database, String name, Map<String, String> tokens, boolean rewriteBatchedInserts,
			String... settings) {
		this(properties(tokens, database.springProperties(database.createSchema(name), rewriteBatchedInserts),
				settings));
	}

	private ReferenceHub(List<String> properties) {
		this.context = new SpringApplicationBuilder(HubApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
		WebServer server = ((WebServerApplicationContext) this.context).getWebServer();
		if (server == null) {
			this.context.close();
			throw new IllegalStateException("The hub's web server is not running");
		}
		this.uri = URI.create("ws://127.0.0.1:" + server.getPort() + "/realtime");
	}

	/**
	 * Start a hub on a schema that exists, as one more node of a cluster of hubs sharing
	 * it (the first node migrates it).
	 * @param database where the schema is
	 * @param schema the schema
	 * @param tokens the development tokens, each mapped to the user it authenticates
	 * @param settings further {@code name=value} properties
	 * @return the running hub
	 */
	static ReferenceHub onSchema(Database database, String schema, Map<String, String> tokens, String... settings) {
		return new ReferenceHub(properties(tokens, database.springProperties(schema, true), settings));
	}

	private static List<String> properties(Map<String, String> tokens, String[] datasource, String... settings) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"logging.level.root=WARN", "logging.level.dev.realtime.hub=ERROR",
				// a client's writes that fail when the hub closes it
				"logging.level.org.apache.tomcat.websocket=ERROR", "realtime.enabled=false"));
		tokens.forEach((token, user) -> properties.add("realtime.hub.tokens." + token + "=" + user));
		properties.addAll(List.of(datasource));
		properties.addAll(List.of(settings));
		return properties;
	}

	URI uri() {
		return this.uri;
	}

	/**
	 * Return how many connections are open on the hub.
	 * @return the hub node's open sessions
	 */
	int openSessions() {
		return this.context.getBean(HubNode.class).openSessions();
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** The reference hub alone, as a hub application of its own would run it. */
	@EnableAutoConfiguration
	static class HubApplication {

	}

}
