package dev.realtime.hub.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The runnable reference hub: the hub starter's auto-configuration and nothing else, with
 * Tomcat's WebSocket buffers sized for many idle connections.
 */
@SpringBootApplication
public class HubServerApplication {

	/**
	 * Tomcat's system property for the buffers it gives every WebSocket connection up
	 * front: one for reading frames, two for sending (8 KiB each by default).
	 */
	static final String TOMCAT_WEBSOCKET_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	/**
	 * 2 KiB buffers keep an idle connection's heap under 40 KiB (docs/performance.md); a
	 * longer message is read in more pieces and sent in more fragments.
	 */
	static final String BUFFER_SIZE = "2048";

	public static void main(String[] args) {
		// read once, when Tomcat's WebSocket classes load: set before the application
		// starts, unless -D chose another size
		if (System.getProperty(TOMCAT_WEBSOCKET_BUFFER_SIZE) == null) {
			System.setProperty(TOMCAT_WEBSOCKET_BUFFER_SIZE, BUFFER_SIZE);
		}
		SpringApplication.run(HubServerApplication.class, args);
	}

}
