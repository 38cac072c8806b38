package dev.realtime.demo.chat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.realtime.autoconfigure.ConditionalOnRealtimeEnabled;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;

/**
 * Sends chat messages through the realtime client and lists the events it received.
 */
@RestController
@ConditionalOnRealtimeEnabled
@RequestMapping("/api/messages")
class MessageController {

	private final RealtimeClient client;

	private final ReceivedMessages received;

	MessageController(RealtimeClient client, ReceivedMessages received) {
		this.client = client;
		this.received = received;
	}

	/**
	 * Hand a message to the client; 202 once it is accepted (stored in the outbox when
	 * the outbox is durable), with the idempotency key that follows it to the hub.
	 * @param message the message, from the request body
	 * @return 202 with the idempotency key, or 400 when the room or the text is blank
	 */
	@PostMapping
	ResponseEntity<Map<String, String>> send(@RequestBody @Nullable ChatMessage message) {
		if (message == null || isBlank(message.room()) || isBlank(message.text())) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "Body must be JSON with non-blank \"room\" and \"text\""));
		}
		SendHandle handle = this.client.sendEvent("chat.message",
				Map.of("room", message.room(), "text", message.text()));
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("idempotency_key", handle.idempotencyKey()));
	}

	@GetMapping
	List<ReceivedEvent> list() {
		return this.received.all()
			.stream()
			.map((message) -> new ReceivedEvent(message.seq(), message.event(), message.payload(), message.timestamp()))
			.toList();
	}

	@ExceptionHandler(OutboundQueueFullException.class)
	ResponseEntity<Map<String, String>> queueFull(OutboundQueueFullException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", ex.getMessage()));
	}

	private static boolean isBlank(@Nullable String value) {
		return value == null || value.isBlank();
	}

	record ChatMessage(@Nullable String room, @Nullable String text) {
	}

	record ReceivedEvent(long seq, String event, JsonNode payload, @Nullable Instant timestamp) {
	}

}
