package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;

/**
 * The {@link BenchHub}'s protocol over Socket.IO (netty-socketio, Engine.IO's WebSocket
 * transport), for the Socket.IO transport's row: each protocol message is the string
 * argument of a {@code frame} event, answered by the same ack-only logic as the WebSocket
 * endpoint.
 */
final class BenchSocketIoEndpoint implements AutoCloseable {

	private static final String FRAME_EVENT = "frame";

	private final SocketIOServer server;

	private final int port;

	BenchSocketIoEndpoint(BenchHub hub) {
		this.port = freePort();
		Configuration configuration = new Configuration();
		configuration.setHostname("127.0.0.1");
		configuration.setPort(this.port);
		configuration.setTransports(Transport.WEBSOCKET);
		configuration.setMaxFramePayloadLength(4 << 20);
		configuration.setMaxHttpContentLength(4 << 20);
		configuration.setBossThreads(1);
		this.server = new SocketIOServer(configuration);
		this.server.addEventListener(FRAME_EVENT, String.class, (client, text, ack) -> {
			for (String reply : hub.answer(param(client, "user_id"), param(client, "client_id"), text)) {
				client.sendEvent(FRAME_EVENT, reply);
			}
		});
		this.server.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	private static String param(SocketIOClient client, String name) {
		String value = client.getHandshakeData().getSingleUrlParam(name);
		if (value == null) {
			throw new IllegalStateException("Socket.IO client " + client.getSessionId() + " has no " + name);
		}
		return value;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.server.stop();
	}

}
