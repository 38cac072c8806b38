// The demo page: a second client of the hub, written against the wire protocol
// (PROTOCOL.md) with the browser's own WebSocket, plus a live panel of the server-side client.
'use strict';

const ROOM = 'general';
const HEARTBEAT_MS = 25000;
const HEARTBEAT_TIMEOUT_MS = 10000;
const TYPING_EXPIRY_MS = 5000;
const TYPING_IDLE_MS = 3000;
const PANEL_POLL_MS = 1000;

const $ = (id) => document.getElementById(id);

/**
 * One browser client of the hub. Its store is this page's memory: a new page is a new client
 * (new client_id) that resumes from 0, so the hub replays the user's history. Within the page
 * it keeps its client_id, inbound cursor and unacked events across reconnects.
 */
class HubClient {

	constructor(userId, token, handlers) {
		this.userId = userId;
		this.token = token;
		this.handlers = handlers;
		this.clientId = uuid();
		this.nextSeq = 1;
		this.lastAckSeq = 0; // highest inbound seq received (the cursor resumed from)
		this.outbox = []; // outbound events not yet acked, in seq order
		this.resumed = false;
		this.attempt = 0;
	}

	connect() {
		const params = new URLSearchParams({ client_id: this.clientId, user_id: this.userId, protocol: '1',
			access_token: this.token });
		const scheme = (location.protocol === 'https:') ? 'wss' : 'ws';
		this.socket = new WebSocket(`${scheme}://${location.host}/realtime?${params}`);
		this.handlers.state('connecting');
		this.socket.onopen = () => this.send({ type: 'resume', client_id: this.clientId, last_ack_seq: this.lastAckSeq });
		this.socket.onmessage = (message) => this.receive(JSON.parse(message.data));
		this.socket.onclose = (close) => this.closed(close);
		this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
	}

	receive(data) {
		clearTimeout(this.pongTimeout); // any frame is a sign of life
		const before = this.lastAckSeq;
		for (const frame of Array.isArray(data) ? data : [data]) {
			this.handle(frame);
		}
		// one cumulative ack for everything this message carried
		if (this.lastAckSeq > before) {
			this.send({ type: 'ack', ack_seq: this.lastAckSeq });
		}
	}

	handle(frame) {
		switch (frame.type) {
			case 'resume_response': return this.onResumed(frame);
			case 'event': return this.onEvent(frame);
			case 'ack': return this.dropAcked(frame.ack_seq);
			case 'meta': return this.handlers.meta(frame.event, frame.payload || {});
			case 'error': return this.onError(frame);
		}
	}

	onResumed(frame) {
		if (frame.reset) {
			// too far behind the hub's retention: start over from its last seq
			this.lastAckSeq = frame.last_seq;
			this.handlers.reset();
		}
		this.dropAcked(frame.ack_seq);
		frame.events.forEach((event) => this.onEvent(event));
		if (frame.has_more) {
			this.send({ type: 'resume', client_id: this.clientId, last_ack_seq: this.lastAckSeq });
			return;
		}
		this.resumed = true;
		this.attempt = 0;
		this.handlers.state('connected');
		this.sendMeta('room.join', { room: ROOM });
		this.sendMeta('presence.update', { status: 'online' });
		this.outbox.forEach((event) => this.send(event));
	}

	onEvent(frame) {
		if (frame.seq <= this.lastAckSeq) {
			return; // a redelivery of what this page already has
		}
		this.lastAckSeq = frame.seq;
		this.handlers.event(frame);
	}

	onError(frame) {
		if (frame.seq != null) {
			// rejected for good: never resent
			this.outbox = this.outbox.filter((event) => event.seq !== frame.seq);
		}
		this.handlers.error(`${frame.code}: ${frame.message}`);
	}

	dropAcked(ackSeq) {
		this.outbox = this.outbox.filter((event) => event.seq > ackSeq);
	}

	sendEvent(event, payload) {
		const frame = { type: 'event', seq: this.nextSeq++, client_id: this.clientId, idempotency_key: uuid(),
			event, payload, timestamp: new Date().toISOString() };
		this.outbox.push(frame);
		if (this.resumed) {
			this.send(frame);
		}
	}

	sendMeta(event, payload) {
		if (this.resumed) {
			this.send({ type: 'meta', event, payload });
		}
	}

	ping() {
		this.send({ type: 'meta', event: 'ping' });
		this.pongTimeout = setTimeout(() => this.socket.close(4000, 'heartbeat timeout'), HEARTBEAT_TIMEOUT_MS);
	}

	send(frame) {
		if (this.socket.readyState === WebSocket.OPEN) {
			this.socket.send(JSON.stringify(frame));
		}
	}

	closed(close) {
		this.resumed = false;
		clearInterval(this.heartbeat);
		clearTimeout(this.pongTimeout);
		if (close.code === 4003) {
			this.handlers.state('forbidden');
			return;
		}
		// exponential backoff with full jitter, up to 10 s
		const delay = Math.random() * Math.min(10000, 500 * 2 ** this.attempt++);
		this.handlers.state('reconnecting');
		setTimeout(() => this.connect(), delay);
	}

}

/** A random UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
function uuid() {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// --- the chat room -----------------------------------------------------------------------

const presence = new Map(); // user -> status
const typists = new Map(); // user -> when their typing indicator expires
let client = null;
let typingSince = 0;
let typingStop = null;

$('login').addEventListener('submit', (submit) => {
	submit.preventDefault();
	const option = $('user').selectedOptions[0];
	$('login').querySelectorAll('select, button').forEach((element) => { element.disabled = true; });
	client = new HubClient(option.value, option.dataset.token, {
		state: showConnection,
		event: showEvent,
		meta: onMeta,
		reset: () => { $('messages').replaceChildren(); },
		error: (error) => console.warn('Hub error', error),
	});
	client.connect();
	setPresence(option.value, 'online');
});

$('compose').addEventListener('submit', (submit) => {
	submit.preventDefault();
	const text = $('text').value.trim();
	if (text) {
		client.sendEvent('chat.message', { room: ROOM, text });
		$('text').value = '';
		stopTyping();
	}
});

// typing.start at most every 2 s while keys are pressed, typing.stop after 3 s idle or on send
$('text').addEventListener('input', () => {
	if (Date.now() - typingSince > 2000) {
		typingSince = Date.now();
		client.sendMeta('typing.start', { channel_id: ROOM });
	}
	clearTimeout(typingStop);
	typingStop = setTimeout(stopTyping, TYPING_IDLE_MS);
});

function stopTyping() {
	clearTimeout(typingStop);
	if (typingSince) {
		typingSince = 0;
		client.sendMeta('typing.stop', { channel_id: ROOM });
	}
}

function showConnection(state) {
	$('connection').textContent = `${client.userId}: ${state}`;
	$('connection').className = `state ${state}`;
	const ready = state === 'connected';
	$('text').disabled = !ready;
	$('send').disabled = !ready;
}

function showEvent(frame) {
	const payload = frame.payload || {};
	if (frame.event !== 'chat.message' || payload.room !== ROOM) {
		return;
	}
	const item = document.createElement('li');
	item.dataset.seq = frame.seq;
	const author = payload.user_id || '?';
	if (author === client.userId) {
		item.classList.add('own');
	}
	const name = document.createElement('span');
	name.className = 'author';
	name.textContent = author;
	const text = document.createElement('span');
	text.className = 'text';
	text.textContent = payload.text;
	const time = document.createElement('time');
	time.textContent = frame.timestamp ? new Date(frame.timestamp).toLocaleTimeString() : '';
	item.append(name, text, time);
	const list = $('messages');
	list.append(item);
	list.scrollTop = list.scrollHeight;
	typists.delete(author);
	showTypists();
}

function onMeta(event, payload) {
	if (event === 'presence.update') {
		setPresence(payload.user_id, payload.status);
	}
	else if (event === 'typing.start' && payload.channel_id === ROOM) {
		typists.set(payload.user_id, Date.now() + TYPING_EXPIRY_MS);
		showTypists();
	}
	else if (event === 'typing.stop' && payload.channel_id === ROOM) {
		typists.delete(payload.user_id);
		showTypists();
	}
}

function setPresence(userId, status) {
	presence.set(userId, status);
	const items = [...presence.keys()].sort().map((user) => {
		const item = document.createElement('li');
		item.dataset.user = user;
		item.className = presence.get(user);
		item.textContent = `${user} (${presence.get(user)})`;
		return item;
	});
	$('presence').replaceChildren(...items);
}

function showTypists() {
	const now = Date.now();
	const names = [...typists].filter(([, until]) => until > now).map(([user]) => user);
	$('typing').textContent = (names.length === 0) ? ''
		: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

// receivers expire a typist after 5 s without a new typing.start
setInterval(showTypists, 1000);

// --- the server-side client's live panel -------------------------------------------------

async function refreshPanel() {
	try {
		const response = await fetch('api/client');
		showPanel(await response.json());
	}
	catch (error) {
		$('client-state').textContent = 'unreachable';
		$('client-state').className = 'state FAILED';
	}
}

function showPanel(panel) {
	const metrics = panel.metrics;
	$('client-user').textContent = `(${panel.userId})`;
	$('client-state').textContent = panel.state;
	$('client-state').className = `state ${panel.state}`;
	$('client-queue').textContent = metrics.queueSize;
	$('client-sent').textContent = `${metrics.messagesSent} / ${metrics.messagesAcked}`;
	$('client-received').textContent = metrics.messagesReceived;
	$('client-reconnects').textContent = metrics.reconnects;
	const latency = panel.ackLatency;
	$('client-latency').textContent = (latency == null || latency.count === 0) ? 'no acks yet'
		: `mean ${latency.mean.toFixed(1)} ms` + (latency.p99 == null ? '' : `, p99 ${latency.p99.toFixed(1)} ms`);
	$('client-error').textContent = panel.lastError || 'none';
}

function post(path, body) {
	const init = { method: 'POST' };
	if (body !== undefined) {
		init.headers = { 'Content-Type': 'application/json' };
		init.body = JSON.stringify(body);
	}
	return fetch(path, init).then(refreshPanel);
}

$('cut').addEventListener('click', () => post('api/client/cut'));
$('disconnect').addEventListener('click', () => post('api/client/disconnect'));
$('connect').addEventListener('click', () => post('api/client/connect'));
$('demo-compose').addEventListener('submit', (submit) => {
	submit.preventDefault();
	const text = $('demo-text').value.trim();
	if (text) {
		post('api/messages', { room: ROOM, text });
		$('demo-text').value = '';
	}
});

refreshPanel();
setInterval(refreshPanel, PANEL_POLL_MS);
