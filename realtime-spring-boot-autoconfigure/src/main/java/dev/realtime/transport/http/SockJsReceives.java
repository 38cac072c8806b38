package dev.realtime.transport.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.jspecify.annotations.Nullable;
import org.springframework.core.task.TaskExecutor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * The receive requests of one {@link HttpTransport} connect: each on a thread of its own,
 * each response body ended on {@link #abort()} and checked against the frame limit.
 */
final class SockJsReceives implements TaskExecutor, ClientHttpRequestInterceptor {

	/** Logs under the transport's name. */
	private static final Log logger = LogFactory.getLog(HttpTransport.class);

	private static final String XHR_STREAMING = "/xhr_streaming";

	private static final String XHR_POLLING = "/xhr";

	private final long maxLine;

	private final Connection handler;

	private final Runnable streamingRefused;

	/**
	 * Whether the hub refused XHR streaming to this connect: its receive requests poll.
	 */
	private volatile boolean polling;

	private final Set<ReceiveStream> open = ConcurrentHashMap.newKeySet();

	private volatile boolean aborted;

	SockJsReceives(long maxLine, Connection handler, Runnable streamingRefused) {
		this.maxLine = maxLine;
		this.handler = handler;
		this.streamingRefused = streamingRefused;
	}

	@Override
	public void execute(Runnable task) {
		Thread thread = new Thread(task, "realtime-http-receive");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String path = request.getURI().getPath();
		if (!path.endsWith(XHR_STREAMING) && !path.endsWith(XHR_POLLING)) {
			return execution.execute(request, body);
		}
		if (this.aborted) {
			throw new IOException("HTTP session closed");
		}
		HttpRequest receive = this.polling ? polling(request) : request;
		if (!this.handler.opened()) {
			// a failure completes the connect exceptionally
			ClientHttpResponse response = execution.execute(receive, body);
			if (!this.polling && path.endsWith(XHR_STREAMING) && response.getStatusCode().value() == 404) {
				// the hub serves XHR polling only: poll in the same SockJS session at
				// once, as
				// failing the connect over to polling would make SockJsClient log an
				// ERROR
				// with the stack trace
				response.close();
				this.streamingRefused.run();
				this.polling = true;
				response = execution.execute(polling(request), body);
			}
			return new ReceiveResponse(response, this);
		}
		// the next receive request of an open session: a failure is a lost session,
		// handled here and answered with an empty response, as SockJS would log it
		// as an error
		try {
			ClientHttpResponse response = execution.execute(receive, body);
			HttpStatusCode status = response.getStatusCode();
			if (status.value() == 200) {
				return new ReceiveResponse(response, this);
			}
			response.close();
			lost(new IOException("HTTP " + status.value() + " on the receive request"));
		}
		catch (IOException ex) {
			if (!this.aborted) {
				lost(ex);
			}
		}
		return new EndedResponse();
	}

	/**
	 * The same receive request to the session's XHR polling URL.
	 * @param streaming the request to the XHR streaming URL
	 * @return the request to poll
	 */
	private static HttpRequest polling(HttpRequest streaming) {
		String uri = streaming.getURI().toString();
		int path = uri.indexOf(XHR_STREAMING);
		URI pollingUri = (path < 0) ? streaming.getURI()
				: URI.create(uri.substring(0, path) + XHR_POLLING + uri.substring(path + XHR_STREAMING.length()));
		return new HttpRequestWrapper(streaming) {

			@Override
			public URI getURI() {
				return pollingUri;
			}

		};
	}

	/**
	 * The open session broke: report it and end the receive requests.
	 * @param cause what failed
	 */
	void lost(Throwable cause) {
		this.handler.lost(cause);
		abort();
	}

	void abort() {
		this.aborted = true;
		this.open.forEach(ReceiveStream::abort);
	}

	/**
	 * The connection the receive requests report to.
	 */
	interface Connection {

		/**
		 * Return whether the SockJS session was opened.
		 * @return whether it was
		 */
		boolean opened();

		/**
		 * A frame grew beyond the limit: the session ends with 1009.
		 * @param what what was too big
		 */
		void tooBig(String what);

		/**
		 * The receive stream failed: the connection is lost.
		 * @param cause why
		 */
		void lost(Throwable cause);

	}

	/**
	 * A receive response whose body can be ended from another thread.
	 */
	private static final class ReceiveResponse implements ClientHttpResponse {

		private final ClientHttpResponse response;

		private final SockJsReceives receives;

		private @Nullable ReceiveStream body;

		ReceiveResponse(ClientHttpResponse response, SockJsReceives receives) {
			this.response = response;
			this.receives = receives;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return this.response.getStatusCode();
		}

		@Override
		public String getStatusText() throws IOException {
			return this.response.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.response.getHeaders();
		}

		@Override
		public InputStream getBody() throws IOException {
			ReceiveStream current = this.body;
			if (current == null) {
				current = new ReceiveStream(this.response.getBody(), this.receives);
				this.body = current;
				this.receives.open.add(current);
				if (this.receives.aborted) {
					current.abort();
				}
			}
			return current;
		}

		@Override
		public void close() {
			ReceiveStream current = this.body;
			if (current != null) {
				this.receives.open.remove(current);
			}
			this.response.close();
		}

	}

	/**
	 * A receive body: ends (end of stream, not an error) once aborted, and ends the
	 * session with 1009 when a line (one SockJS frame) grows beyond the frame limit.
	 */
	private static final class ReceiveStream extends FilterInputStream {

		private final SockJsReceives receives;

		private volatile boolean aborted;

		private long line;

		ReceiveStream(InputStream body, SockJsReceives receives) {
			super(body);
			this.receives = receives;
		}

		void abort() {
			this.aborted = true;
			try {
				if (this.in instanceof EofSensorInputStream body) {
					// drops the connection: closing would read the rest of a streaming
					// body first, which ends only with the hub's next flush or never
					body.abort();
				}
				else {
					this.in.close();
				}
			}
			catch (IOException ex) {
				logger.debug("Closing an HTTP receive stream failed", ex);
			}
		}

		@Override
		public int read() throws IOException {
			if (this.aborted) {
				return -1;
			}
			try {
				int b = this.in.read();
				if (b == '\n') {
					this.line = 0;
				}
				else if (b != -1 && ++this.line > this.receives.maxLine) {
					this.receives.handler.tooBig("SockJS frame of more than " + this.receives.maxLine + " bytes");
					this.receives.abort();
					return -1;
				}
				return b;
			}
			catch (IOException ex) {
				if (this.aborted) {
					return -1;
				}
				if (this.receives.handler.opened()) {
					// the open session's receive stream broke: ends it, as above
					this.receives.lost(ex);
					return -1;
				}
				throw ex;
			}
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			// one byte at a time, as Spring's reader does: every byte is counted
			if (length == 0) {
				return 0;
			}
			int b = read();
			if (b == -1) {
				return -1;
			}
			buffer[offset] = (byte) b;
			return 1;
		}

	}

	/**
	 * What a receive request of a lost session answers: an empty body, after which the
	 * SockJS receive loop sees the session closed and stops.
	 */
	private static final class EndedResponse implements ClientHttpResponse {

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public String getStatusText() {
			return "";
		}

		@Override
		public HttpHeaders getHeaders() {
			return new HttpHeaders();
		}

		@Override
		public InputStream getBody() {
			return InputStream.nullInputStream();
		}

		@Override
		public void close() {
		}

	}

}
