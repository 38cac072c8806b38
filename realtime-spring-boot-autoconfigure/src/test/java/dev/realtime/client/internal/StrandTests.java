package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Strands on shared pools keep what a thread per client gave: each strand's tasks run one
 * at a time in submission order, on threads whose number does not grow with the strands,
 * and a timer cancelled on its strand never runs, even once fired.
 */
class StrandTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() {
		this.pool.shutdownNow();
		this.timer.shutdownNow();
	}

	@Test
	void eachStrandRunsItsTasksOneAtATimeInOrderOnTwoSharedThreads() throws Exception {
		int strands = 1000;
		int tasks = 200;
		Set<String> threads = ConcurrentHashMap.newKeySet();
		List<int[]> counters = new ArrayList<>();
		List<String> violations = new ArrayList<>();
		ExecutorService producers = Executors.newFixedThreadPool(4);
		CountDownLatch done = new CountDownLatch(strands);
		for (int s = 0; s < strands; s++) {
			Strand strand = new Strand("strand-" + s, this.pool, this.timer);
			int[] counter = new int[1];
			AtomicBoolean busy = new AtomicBoolean();
			counters.add(counter);
			producers.execute(() -> {
				for (int i = 0; i < tasks; i++) {
					int expected = i;
					strand.execute(() -> {
						threads.add(Thread.currentThread().getName());
						if (!busy.compareAndSet(false, true) || counter[0] != expected || !strand.inStrand()) {
							synchronized (violations) {
								violations.add(strand + " task " + expected + " ran at " + counter[0]);
							}
						}
						// a plain field: each task must see what the one before it wrote
						counter[0]++;
						busy.set(false);
						if (counter[0] == tasks) {
							done.countDown();
						}
					});
				}
			});
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		producers.shutdown();
		assertThat(violations).isEmpty();
		assertThat(counters).allSatisfy((counter) -> assertThat(counter[0]).isEqualTo(tasks));
		assertThat(threads).hasSizeLessThanOrEqualTo(2);
	}

	@Test
	void callerIsOnTheStrandOnlyInItsOwnTasks() throws Exception {
		Strand one = new Strand("one", this.pool, this.timer);
		Strand other = new Strand("other", this.pool, this.timer);
		assertThat(one.inStrand()).isFalse();
		assertThat(one.submit(() -> assertThat(one.inStrand()).isTrue()).get(10, TimeUnit.SECONDS)).isNull();
		assertThat(other.submit(() -> assertThat(one.inStrand()).isFalse()).get(10, TimeUnit.SECONDS)).isNull();
	}

	@Test
	void timerCancelledOnTheStrandDoesNotRunThoughItAlreadyFired() throws Exception {
		Strand strand = new Strand("loop", this.pool, this.timer);
		AtomicInteger ran = new AtomicInteger();
		CountDownLatch fired = new CountDownLatch(1);
		CountDownLatch cancelled = new CountDownLatch(1);
		strand.execute(() -> {
			// the strand is busy while its timer fires and posts the action behind this
			// task
			Strand.Timer timer = strand.schedule(ran::incrementAndGet, 0);
			this.timer.schedule(fired::countDown, 1, TimeUnit.MILLISECONDS);
			await().until(() -> fired.getCount() == 0);
			timer.cancel();
			cancelled.countDown();
		});
		assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
		// a task posted after the cancelled action has run after it
		strand.submit(() -> {
		}).get(10, TimeUnit.SECONDS);
		assertThat(ran).hasValue(0);
	}

	@Test
	void repeatedActionsRunOnTheStrandUntilCancelled() throws Exception {
		Strand strand = new Strand("loop", this.pool, this.timer);
		AtomicInteger fixedRate = new AtomicInteger();
		AtomicInteger fixedDelay = new AtomicInteger();
		Strand.Timer rate = strand.scheduleAtFixedRate(() -> {
			assertThat(strand.inStrand()).isTrue();
			fixedRate.incrementAndGet();
		}, 5);
		Strand.Timer delay = strand.scheduleWithFixedDelay(() -> {
			assertThat(strand.inStrand()).isTrue();
			fixedDelay.incrementAndGet();
		}, 1, 5);
		await().until(() -> fixedRate.get() >= 3 && fixedDelay.get() >= 3);
		strand.submit(() -> {
			rate.cancel();
			delay.cancel();
		}).get(10, TimeUnit.SECONDS);
		int rateRuns = fixedRate.get();
		int delayRuns = fixedDelay.get();
		// a run already posted by the timer does not run once cancelled: the counts stay
		this.timer.schedule(() -> {
		}, 50, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
		strand.submit(() -> {
		}).get(10, TimeUnit.SECONDS);
		assertThat(fixedRate).hasValue(rateRuns);
		assertThat(fixedDelay).hasValue(delayRuns);
	}

	@Test
	void shutDownStrandRunsWhatIsQueuedAndRejectsTheRest() throws Exception {
		Strand strand = new Strand("loop", this.pool, this.timer);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger ran = new AtomicInteger();
		strand.execute(() -> {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		strand.execute(ran::incrementAndGet);
		strand.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> strand.execute(ran::incrementAndGet));
		assertThat(strand.post(ran::incrementAndGet)).isFalse();
		release.countDown();
		await().until(() -> ran.get() == 1);
		assertThat(strand.isShutdown()).isTrue();
	}

}
