package dev.realtime.client.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.internal.ReconnectPolicy.Decision;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ProtocolException;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * The connection state machine of one client: opens a {@link Connection} while the
 * application wants one and this instance holds the user's lease, routes what arrives on
 * it, and after a failure does what the {@link ReconnectPolicy} decides. It is the
 * relay's one {@link OutboundLink link} to the transport: claimed frames are written to
 * the current connection, on the loop. Confined to the client's event loop; what it
 * reports is in the {@link ConnectionStatus}.
 */
final class ConnectionSupervisor implements Connection.Owner, OutboundLink {

	private static final Log logger = LogFactory.getLog(ConnectionSupervisor.class);

	private final ClientSettings settings;

	private final ClientLoop loop;

	private final HubAccess hub;

	private final UserStores stores;

	private final ReconnectPolicy policy;

	private final OutboundRelay relay;

	private final InboundPath inbound;

	private final ClientReporting reporting;

	private final ConnectionStatus status;

	private final HubAcks acks;

	/** Whether the relay told that this instance holds the user's lease. */
	private boolean leading;

	/** The application wants a connection; only then is there one. */
	private boolean wanted;

	/** The attempt under way or the open connection, {@code null} between them. */
	private @Nullable Connection connection;

	/** The number of the last connection, by which the relay tells them apart. */
	private int connections;

	private Strand.@Nullable Timer reconnectTask;

	ConnectionSupervisor(ClientSettings settings, ClientLoop loop, HubAccess hub, UserStores stores,
			ReconnectPolicy policy, OutboundRelay relay, InboundPath inbound, ClientReporting reporting) {
		this.settings = settings;
		this.loop = loop;
		this.hub = hub;
		this.stores = stores;
		this.policy = policy;
		this.relay = relay;
		this.inbound = inbound;
		this.reporting = reporting;
		this.status = reporting.status();
		this.acks = new HubAcks(relay, reporting.counters());
	}

	/**
	 * Return the connection while the client is connected, else {@code null}.
	 * @return the connected connection, or {@code null}
	 */
	@Nullable Connection connected() {
		return (this.status.state() == ConnectionState.CONNECTED) ? this.connection : null;
	}

	/**
	 * The application wants a connection.
	 */
	void connect() {
		this.loop.execute(() -> {
			this.wanted = true;
			this.relay.activate(true);
			if (this.status.state() == ConnectionState.DISCONNECTED || this.status.state() == ConnectionState.FAILED) {
				this.policy.restart();
				setState(ConnectionState.CONNECTING, "connect requested", null);
				if (this.leading) {
					openConnection();
				}
			}
		});
	}

	/**
	 * The application no longer wants a connection: close it and stop reconnecting. The
	 * caller releases the lease.
	 */
	void disconnect() {
		this.loop.run(() -> {
			this.wanted = false;
			this.leading = false;
			abandonConnection(CloseCodes.NORMAL, "client disconnect");
			Strand.cancel(this.reconnectTask);
			setState(ConnectionState.DISCONNECTED, "disconnect requested", null);
		});
	}

	/**
	 * The relay took the user's lease, or lost it to another instance: only the holder
	 * connects. Called on the relay's strand.
	 * @param leading whether this instance holds the lease now
	 * @param reason what happened, reported with the state change
	 */
	@Override
	public void leadershipChanged(boolean leading, String reason) {
		this.loop.post(() -> changeLeadership(leading, reason));
	}

	private void changeLeadership(boolean leading, String reason) {
		this.leading = leading;
		if (!this.wanted) {
			return;
		}
		if (leading) {
			this.inbound.dispatcher().resync();
			if (this.connection == null && this.status.state() != ConnectionState.RECONNECTING) {
				this.policy.leaseTaken();
				setState(ConnectionState.CONNECTING, reason, null);
				openConnection();
			}
			return;
		}
		logger.info("Realtime client '" + this.settings.userId() + "' stands by: " + reason);
		abandonConnection(CloseCodes.GOING_AWAY, "lease lost");
		Strand.cancel(this.reconnectTask);
		setState(ConnectionState.STANDBY, reason, null);
	}

	/**
	 * Send a {@code meta} signal if the connection is ready.
	 * @param frame the signal
	 * @return a future telling whether the signal was handed to the transport
	 */
	CompletableFuture<Boolean> sendMeta(MetaFrame frame) {
		return this.loop.supply(() -> {
			Connection current = this.connection;
			return current != null && current.isResumed() && current.send(frame);
		});
	}

	/**
	 * Write frames the relay claimed for the connection with this number, if it is still
	 * the current one and ready; if not, the next one resends them. Called on the relay's
	 * strand.
	 * @param id the number of the connection the frames were claimed for
	 * @param frames the encoded frames
	 * @param events how many events the frames carry
	 * @param lastSeq the highest seq in the frames
	 */
	@Override
	public void send(int id, List<String> frames, int events, long lastSeq) {
		this.loop.post(() -> {
			Connection current = this.connection;
			if (current != null && current.id() == id && current.sendEvents(frames, lastSeq)) {
				this.reporting.counters().sent.addAndGet(events);
			}
		});
	}

	private void openConnection() {
		String token;
		try {
			token = this.hub.tokens().getToken();
		}
		catch (TokenUnavailableException ex) {
			reconnectOrFail(this.policy.tokenUnavailable(ex), null);
			return;
		}
		Connection attempt = new Connection(++this.connections, token, this.settings, this.hub.codec(), this.loop,
				this);
		this.connection = attempt;
		// the client id and the cursor come from the database: read off the loop, the
		// cursor while the transport connects (the handshake needs only the id)
		this.stores.inboundStrand().execute(() -> {
			CompletableFuture<Long> cursor = new CompletableFuture<>();
			try {
				// a durable queue reads its client id from the database once: fail here,
				// not on the loop
				this.stores.outbound().clientId();
			}
			catch (RuntimeException ex) {
				this.loop.post(() -> cursorUnreadable(attempt, null, ex));
				return;
			}
			this.loop.post(() -> {
				if (attempt == this.connection) {
					openTransport(attempt, cursor);
				}
			});
			try {
				cursor.complete(this.stores.inbound().lastSeq());
			}
			catch (RuntimeException ex) {
				cursor.completeExceptionally(ex);
			}
		});
	}

	private void openTransport(Connection attempt, CompletableFuture<Long> cursor) {
		String token = attempt.token();
		Map<String, String> headers = (token != null) ? Map.of("Authorization", "Bearer " + token) : Map.of();
		logger.debug("Connecting to " + this.settings.url());
		this.hub.transport()
			.connect(handshakeUri(), headers, attempt)
			.orTimeout(this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((opened, failure) -> {
				if (failure != null) {
					this.loop.post(() -> handshakeFailed(attempt, failure));
					return;
				}
				// the resume waits for the cursor, read meanwhile; an open connection is
				// not held idle longer than a connect may take
				cursor.orTimeout(this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
					.whenComplete((from, unreadable) -> this.loop.post(() -> {
						if (unreadable != null) {
							cursorUnreadable(attempt, opened, unreadable);
						}
						else {
							opened(attempt, opened, from);
						}
					}));
			});
	}

	private void opened(Connection attempt, Transport.TransportSession opened, long cursor) {
		if (attempt != this.connection) {
			opened.close(CloseCodes.NORMAL, "abandoned");
			return;
		}
		this.status.transport(opened.transport());
		this.inbound.sequencer().start(cursor);
		attempt.opened(opened, this.stores.outbound().clientId(), cursor);
	}

	private void handshakeFailed(Connection attempt, Throwable failure) {
		if (attempt != this.connection) {
			logger.debug("Ignoring the failure of an abandoned connection attempt");
			return;
		}
		dropConnection();
		reconnectOrFail(this.policy.handshakeFailed(failure), attempt.token());
	}

	private void cursorUnreadable(Connection attempt, Transport.@Nullable TransportSession opened, Throwable failure) {
		if (opened != null) {
			opened.close(CloseCodes.NORMAL, "database unavailable");
		}
		if (attempt == this.connection) {
			dropConnection();
			reconnectOrFail(this.policy.failed("database unavailable: " + ReconnectPolicy.describe(failure)),
					attempt.token());
		}
	}

	private URI handshakeUri() {
		String url = this.settings.url().toString();
		String query = "client_id=" + encode(this.stores.outbound().clientId()) + "&user_id="
				+ encode(this.settings.userId()) + "&protocol=1";
		return URI.create(url + (url.contains("?") ? "&" : "?") + query);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public void closed(Connection closed, int code, String reason) {
		dropConnection();
		reconnectOrFail(this.policy.closed(code, reason), closed.token());
	}

	@Override
	public void lost(Connection lost, String reason) {
		drop(lost, CloseCodes.GOING_AWAY, reason);
	}

	private void drop(Connection dropped, int code, String reason) {
		abandonConnection(code, reason);
		reconnectOrFail(this.policy.failed(reason), dropped.token());
	}

	/**
	 * End the current connection: stop its timers and make its unacked events claimable
	 * again.
	 * @return the connection, if there was one
	 */
	private @Nullable Connection dropConnection() {
		Connection current = this.connection;
		if (current == null) {
			return null;
		}
		this.connection = null;
		if (current.end()) {
			this.relay.linkDown();
		}
		return current;
	}

	private void abandonConnection(int code, String reason) {
		Connection current = dropConnection();
		if (current != null) {
			current.close(code, reason);
		}
	}

	/**
	 * Do what the policy decided after a connection attempt failed or the connection was
	 * lost.
	 * @param decision what the policy decided
	 * @param token the token of the failed connection, invalidated if the hub rejected it
	 */
	private void reconnectOrFail(Decision decision, @Nullable String token) {
		if (decision.tokenRejected()) {
			this.hub.tokens().invalidate(token);
		}
		if (decision instanceof Decision.Fail failure) {
			fail(failure.reason(), failure.cause());
			return;
		}
		Decision.Retry retry = (Decision.Retry) decision;
		this.status.error(retry.reason());
		setState(ConnectionState.RECONNECTING, retry.reason(), null);
		logger.info("Realtime client '" + this.settings.userId() + "' reconnect attempt " + retry.attempt() + " in "
				+ retry.delay().toMillis() + " ms (" + retry.reason() + ")");
		Strand.cancel(this.reconnectTask);
		this.reconnectTask = this.loop.schedule(() -> {
			if (this.wanted && this.status.state() == ConnectionState.RECONNECTING) {
				if (this.leading) {
					openConnection();
				}
				else {
					setState(ConnectionState.STANDBY, "another instance holds the user's lease", null);
				}
			}
		}, retry.delay().toMillis());
	}

	private void fail(String reason, @Nullable Throwable cause) {
		this.wanted = false;
		this.status.error(reason);
		abandonConnection(CloseCodes.NORMAL, "client failed");
		Strand.cancel(this.reconnectTask);
		logger.error("Realtime client '" + this.settings.userId() + "' failed: " + reason, cause);
		setState(ConnectionState.FAILED, reason, cause);
	}

	private void resumed(Connection current) {
		current.resumed();
		this.status.error(null);
		Duration outage = this.policy.resumed();
		if (outage == null) {
			setState(ConnectionState.CONNECTED,
					"connected to " + this.settings.url() + " over " + this.status.transport(), null);
		}
		else {
			this.reporting.counters().reconnected(outage.toNanos());
			setState(ConnectionState.CONNECTED, "reconnected to " + this.settings.url() + " over "
					+ this.status.transport() + " after " + outage.toMillis() + " ms", null);
			this.reporting.listeners().reconnected(outage);
		}
		this.relay.linkUp(current.id(), this.stores.outbound().clientId());
	}

	private void setState(ConnectionState next, String reason, @Nullable Throwable cause) {
		ConnectionState previous = this.status.state();
		if (previous == next) {
			return;
		}
		this.status.state(next);
		if (next == ConnectionState.CONNECTED) {
			logger.info("Realtime client '" + this.settings.userId() + "' connected (" + reason + ")");
		}
		else if (previous == ConnectionState.CONNECTED) {
			logger.info("Realtime client '" + this.settings.userId() + "' disconnected: " + reason);
		}
		this.reporting.listeners()
			.stateChanged(new ConnectionStateChange(this.settings.userId(), previous, next, reason, cause));
	}

	@Override
	public void text(Connection current, String text) {
		List<Frame> frames = this.hub.codec().decode(text, this.inbound.sequencer()::invalidFrame);
		List<EventFrame> received = new ArrayList<>();
		for (Frame frame : frames) {
			if (frame instanceof EventFrame event) {
				received.add(event);
				continue;
			}
			this.inbound.sequencer().events(current, received);
			received.clear();
			if (!current.isOpen()) {
				return;
			}
			if (frame instanceof AckFrame ack) {
				this.acks.acked(current, ack.ackSeq(), false);
			}
			else if (frame instanceof ResumeResponseFrame response) {
				this.acks.acked(current, response.ackSeq(), true);
				if (!current.tooManyFalseClaims()) {
					this.inbound.sequencer().page(current, response);
					if (!current.isResumed() && current.isOpen()) {
						resumed(current);
					}
				}
			}
			else if (frame instanceof ErrorFrame error) {
				hubError(current, error);
			}
			else if (frame instanceof MetaFrame meta) {
				if (!MetaFrame.PONG.equals(meta.event())) {
					this.reporting.listeners().meta(meta);
				}
			}
			else {
				this.inbound.sequencer()
					.invalidFrame(new ProtocolException("Unexpected " + frame.type().wireName() + " frame from hub"));
			}
			if (current.tooManyFalseClaims()) {
				drop(current, CloseCodes.WEBSOCKET_PROTOCOL_ERROR, "the hub acked or rejected "
						+ Connection.MAX_FALSE_CLAIMS + " seqs this client never sent (closed with 1002)");
				return;
			}
		}
		this.inbound.sequencer().events(current, received);
	}

	private void hubError(Connection current, ErrorFrame error) {
		Long seq = error.seq();
		if (seq == null) {
			this.status.error("hub error " + error.code() + ": " + error.message());
			logger.warn("Hub reported an error: " + error.code() + ": " + error.message());
			return;
		}
		this.acks.rejected(current, seq, error.code(), error.message());
	}

}
