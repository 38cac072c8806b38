// A Socket.IO 4.x server that is not the reference hub: the protocol's server obligations
// (docs/PROTOCOL.md) in a few lines, in memory. Started by SocketIoNodeServerIntegrationTests:
//   node server.js TOKENS_JSON [PFX PASSPHRASE]
// (TOKENS_JSON maps each accepted token to its user; with a PKCS#12 key store it serves https)
// It prints "listening PORT" once it listens and "accepted CLIENT_ID SEQ I" for each event it
// accepts; on standard input, "drop" closes every connection with 1001 and "push USER N"
// appends N numbered events to the user's stream and delivers them live.
const fs = require('fs');
const http = require('http');
const https = require('https');
const readline = require('readline');
const { Server } = require('socket.io');

const tokens = JSON.parse(process.argv[2] || '{}');
const server = process.argv[3]
  ? https.createServer({ pfx: fs.readFileSync(process.argv[3]), passphrase: process.argv[4] })
  : http.createServer();
// a 1 MiB protocol message is a JSON string inside a JSON array: escaping may double it
const io = new Server(server, { maxHttpBufferSize: 4 * 1024 * 1024 });
const acceptedSeq = new Map(); // client_id -> highest accepted seq (dedup by seq)
const acceptedKeys = new Set(); // user + idempotency_key (dedup by key)
const streams = new Map(); // user -> inbound events, seq = index + 1

function send(socket, frames) {
  if (frames.length > 0) socket.emit('frame', JSON.stringify(frames.length === 1 ? frames[0] : frames));
}

function close(socket, code, reason) {
  socket.emit('close', { code, reason });
  socket.disconnect(true);
}

io.use((socket, next) => {
  const { client_id: clientId, user_id: userId, protocol } = socket.handshake.query;
  const header = socket.handshake.headers.authorization || '';
  const token = (socket.handshake.auth && socket.handshake.auth.token) || header.replace(/^Bearer /i, '');
  const refuse = (status, message) => next(Object.assign(new Error(message), { data: { status } }));
  if (!clientId || !userId || protocol !== '1') return refuse(400, 'missing client_id, user_id or protocol');
  if (tokens[token] === undefined) return refuse(401, 'missing or invalid token');
  if (tokens[token] !== userId) return refuse(403, 'token of another user');
  next();
});

io.on('connection', (socket) => {
  const { client_id: clientId, user_id: userId } = socket.handshake.query;
  socket.data.userId = userId;
  socket.on('frame', (text) => {
    if (typeof text !== 'string') return close(socket, 4400, 'a frame is one string');
    let frames;
    try {
      frames = [].concat(JSON.parse(text));
    } catch (e) {
      return send(socket, [{ type: 'error', code: 'invalid_frame', message: 'not JSON' }]);
    }
    const replies = [];
    let acked = false;
    for (const frame of frames) {
      if (frame.type === 'event' && Number.isInteger(frame.seq)) {
        const key = userId + '/' + frame.idempotency_key;
        if (frame.seq > (acceptedSeq.get(clientId) || 0)) {
          if (!acceptedKeys.has(key)) {
            acceptedKeys.add(key);
            console.log('accepted ' + clientId + ' ' + frame.seq + ' ' + frame.payload.i);
          }
          acceptedSeq.set(clientId, frame.seq);
        }
        acked = true;
      } else if (frame.type === 'resume') {
        const events = (streams.get(userId) || []).slice(frame.last_ack_seq, frame.last_ack_seq + 500);
        const last = (streams.get(userId) || []).length;
        replies.push({ type: 'resume_response', ack_seq: acceptedSeq.get(clientId) || 0, events,
          has_more: frame.last_ack_seq + events.length < last, reset: false, last_seq: last });
        socket.data.live = frame.last_ack_seq + events.length >= last;
      } else if (frame.type === 'meta' && frame.event === 'ping') {
        replies.push({ type: 'meta', event: 'pong', payload: null });
      }
    }
    if (acked) replies.push({ type: 'ack', ack_seq: acceptedSeq.get(clientId) || 0 });
    send(socket, replies);
  });
});

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, user, count] = line.trim().split(' ');
  if (command === 'drop') {
    for (const socket of io.of("/").sockets.values()) close(socket, 1001, 'dropped by the test');
  } else if (command === 'push') {
    const stream = streams.get(user) || [];
    streams.set(user, stream);
    const pushed = [];
    for (let n = 0; n < Number(count); n++) {
      const event = { type: 'event', seq: stream.length + 1, event: 'node.pushed', payload: { i: stream.length + 1 },
        timestamp: new Date().toISOString() };
      stream.push(event);
      pushed.push(event);
    }
    for (const socket of io.of("/").sockets.values()) {
      if (socket.data.userId === user && socket.data.live) send(socket, pushed);
    }
  }
});

server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
