package dev.realtime.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * A WebSocket connection with nothing on the client's side but a socket: the handshake
 * and the frames written and read by hand (RFC 6455, text frames only, the mask key left
 * at zero), so that the heap a thousand of them take in the benchmark's JVM is the
 * server's. A client library would add its own: Tomcat's allocates each session's receive
 * buffers up front.
 */
final class IdleSocket implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private IdleSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a connection and complete the handshake.
	 * @param hub the hub's endpoint
	 * @param clientId the client id
	 * @param userId the user
	 * @param token the development token, or {@code null} for none
	 * @return the connection, upgraded
	 * @throws IOException when the hub does not upgrade it
	 */
	static IdleSocket open(URI hub, String clientId, String userId, @Nullable String token) throws IOException {
		IdleSocket connection = new IdleSocket(new Socket(hub.getHost(), hub.getPort()));
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET " + hub.getPath() + "?client_id=" + clientId + "&user_id=" + userId + "&protocol=1"
				+ ((token != null) ? "&access_token=" + token : "") + " HTTP/1.1\r\nHost: " + hub.getHost() + ":"
				+ hub.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
		connection.out.write(request.getBytes(StandardCharsets.US_ASCII));
		connection.out.flush();
		String response = connection.readHeaders();
		if (!response.startsWith("HTTP/1.1 101")) {
			connection.close();
			throw new IOException("Handshake refused: " + response.lines().findFirst().orElse(""));
		}
		return connection;
	}

	private String readHeaders() throws IOException {
		ByteArrayOutputStream headers = new ByteArrayOutputStream(256);
		int matched = 0;
		while (matched < 4) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Connection closed during the handshake");
			}
			headers.write(b);
			matched = (b == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return headers.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * Send one text frame, masked with a zero key as a client must mask.
	 * @param text the text
	 * @throws IOException when the write fails
	 */
	void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65_536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			throw new IOException("Frames over 64 KiB are not needed here");
		}
		frame.write(new byte[4]);
		frame.write(payload);
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	/**
	 * Read one unfragmented text frame of the server.
	 * @return its text
	 * @throws IOException when the connection closes or sends anything else
	 */
	String readText() throws IOException {
		int first = this.in.read();
		int second = this.in.read();
		if (first != 0x81 || second < 0) {
			throw new IOException("Expected a text frame, got " + first);
		}
		long length = second & 0x7f;
		if (length == 126) {
			length = (this.in.read() << 8) | this.in.read();
		}
		else if (length == 127) {
			length = 0;
			for (int i = 0; i < 8; i++) {
				length = (length << 8) | this.in.read();
			}
		}
		return new String(this.in.readNBytes(Math.toIntExact(length)), StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// gone already
		}
	}

}
