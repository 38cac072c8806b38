package dev.realtime.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RealtimeStoreUnavailableException} at startup: what is wrong with the
 * application's DataSources and how to choose one, or the in-memory stores.
 */
class RealtimeStoreFailureAnalyzer extends AbstractFailureAnalyzer<RealtimeStoreUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RealtimeStoreUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
