package dev.realtime.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;

/**
 * A protocol connection straight to one node, bypassing the balancer, that joins every
 * room of the run and announces itself: the node answers with the last known presence of
 * every member (PROTOCOL.md, "Presence"), which is what that node believes.
 */
final class PresenceProbe implements AutoCloseable {

	private final FrameCodec codec = new FrameCodec();

	private final Map<String, String> statuses = new ConcurrentHashMap<>();

	/** Per user, when ({@link System#nanoTime()}) its status last changed. */
	private final Map<String, Long> changed = new ConcurrentHashMap<>();

	private final WebSocket socket;

	/**
	 * Connect to a node, join the rooms and announce the probe online.
	 * @param port the node's own port
	 * @param user the probe's user id
	 * @param token its static token
	 * @param rooms every room of the run
	 */
	PresenceProbe(int port, String user, String token, List<String> rooms) throws Exception {
		String clientId = UUID.randomUUID().toString();
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.header("Authorization", "Bearer " + token)
			.buildAsync(URI.create(
					"ws://127.0.0.1:" + port + "/realtime?client_id=" + clientId + "&user_id=" + user + "&protocol=1"),
					new Listener())
			.get(10, TimeUnit.SECONDS);
		List<Frame> frames = new ArrayList<>();
		frames.add(new ResumeFrame(clientId, 0));
		rooms.forEach(
				(room) -> frames.add(new MetaFrame(MetaFrame.ROOM_JOIN, this.codec.toPayload(Map.of("room", room)))));
		frames.add(new MetaFrame(MetaFrame.PRESENCE_UPDATE, this.codec.toPayload(Map.of("status", "online"))));
		this.socket.sendText(this.codec.encodeAll(frames), true).get(10, TimeUnit.SECONDS);
	}

	/**
	 * Return the last status the node told the probe for each user.
	 * @return user id to status
	 */
	Map<String, String> statuses() {
		return Map.copyOf(this.statuses);
	}

	/**
	 * Return when the node last told the probe a new status of a user, as the receipt
	 * happened rather than when the test looks.
	 * @param user the user
	 * @return the {@link System#nanoTime()} of the change, or {@code null} if the node
	 * never told a status
	 */
	@Nullable Long changedAt(String user) {
		return this.changed.get(user);
	}

	@Override
	public void close() {
		this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "probe done")
			.orTimeout(5, TimeUnit.SECONDS)
			.exceptionally((ex) -> {
				this.socket.abort();
				return null;
			});
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				String message = this.text.toString();
				this.text.setLength(0);
				for (Frame frame : PresenceProbe.this.codec.decode(message, (ex) -> {
				})) {
					if (frame instanceof MetaFrame meta && MetaFrame.PRESENCE_UPDATE.equals(meta.event())) {
						String user = meta.payload().path("user_id").asString();
						String status = meta.payload().path("status").asString();
						if (!status.equals(PresenceProbe.this.statuses.put(user, status))) {
							PresenceProbe.this.changed.put(user, System.nanoTime());
						}
					}
				}
			}
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

	}

}
