package dev.realtime.samples.socketio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

import dev.realtime.client.InboundMessage;
import dev.realtime.listener.RealtimeListener;

/**
 * A service that talks to a Socket.IO server through the starter
 * ({@code realtime.transport=socketio}), with the dependencies the README lists.
 */
@SpringBootApplication
public class SocketIoConsumerApplication {

	public static void main(String[] args) {
		SpringApplication.run(SocketIoConsumerApplication.class, args);
	}

	/**
	 * Keeps what the server pushes.
	 */
	@Component
	public static class PushedEvents {

		private final List<Integer> items = new CopyOnWriteArrayList<>();

		@RealtimeListener(events = "node.pushed")
		void onPushed(InboundMessage message) {
			this.items.add(message.payload().get("i").intValue());
		}

		public List<Integer> items() {
			return this.items;
		}

	}

}
