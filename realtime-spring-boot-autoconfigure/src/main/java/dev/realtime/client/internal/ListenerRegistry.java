package dev.realtime.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendListener;
import dev.realtime.client.Subscription;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.protocol.MetaFrame;

/**
 * The listeners of one client, apart from those of inbound events (the dispatcher has
 * them). A listener that throws is logged and does not keep the others from being told.
 */
final class ListenerRegistry {

	private static final Log logger = LogFactory.getLog(ListenerRegistry.class);

	private final List<Consumer<ConnectionStateChange>> stateListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<Acknowledgement>> ackListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<SyncResetEvent>> resetListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<MetaFrame>> metaListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<Duration>> reconnectListeners = new CopyOnWriteArrayList<>();

	private final List<SendListener> sendListeners = new CopyOnWriteArrayList<>();

	Subscription onStateChange(Consumer<ConnectionStateChange> listener) {
		return register(this.stateListeners, listener);
	}

	Subscription onAck(Consumer<Acknowledgement> listener) {
		return register(this.ackListeners, listener);
	}

	Subscription onReset(Consumer<SyncResetEvent> listener) {
		return register(this.resetListeners, listener);
	}

	Subscription onMeta(Consumer<MetaFrame> listener) {
		return register(this.metaListeners, listener);
	}

	Subscription onReconnected(Consumer<Duration> listener) {
		return register(this.reconnectListeners, listener);
	}

	Subscription onSend(SendListener listener) {
		return register(this.sendListeners, listener);
	}

	void stateChanged(ConnectionStateChange change) {
		notifyAll(this.stateListeners, change, "Connection state");
	}

	void acked(Acknowledgement ack) {
		notifyAll(this.ackListeners, ack, "Ack");
	}

	void reset(SyncResetEvent reset) {
		notifyAll(this.resetListeners, reset, "Sync reset");
	}

	void meta(MetaFrame meta) {
		notifyAll(this.metaListeners, meta, "Meta");
	}

	void reconnected(Duration outage) {
		notifyAll(this.reconnectListeners, outage, "Reconnect");
	}

	void accepted(OutboundMessage message, SendHandle handle) {
		for (SendListener listener : this.sendListeners) {
			try {
				listener.accepted(message, handle);
			}
			catch (RuntimeException ex) {
				logger.warn("Send listener failed", ex);
			}
		}
	}

	private static <T> void notifyAll(List<Consumer<T>> listeners, T value, String kind) {
		for (Consumer<T> listener : listeners) {
			try {
				listener.accept(value);
			}
			catch (RuntimeException ex) {
				logger.warn(kind + " listener failed", ex);
			}
		}
	}

	private static <T> Subscription register(List<T> listeners, T listener) {
		listeners.add(listener);
		return () -> listeners.remove(listener);
	}

}
