package dev.realtime.hub;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.hub.HubStore.NewAcceptedEvent;
import dev.realtime.hub.HubStore.NewMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which store {@code realtime.hub.store} gives the hub, and the in-memory store's
 * transactions and deduplication records.
 */
class HubStoreSelectionTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final HubProperties properties = new HubProperties();

	@Test
	void keepsStreamsInMemoryWithoutADataSource() {
		HubStoreSelection selected = select(new StaticListableBeanFactory());
		assertThat(selected.store()).isInstanceOf(InMemoryHubStore.class);
		assertThat(selected.transactionManager()).isSameAs(((InMemoryHubStore) selected.store()).transactionManager());
	}

	@Test
	void usesTheApplicationsInMemoryStoreSoThatItCanOutliveTheHubsContext() {
		InMemoryHubStore store = new InMemoryHubStore(this.mapper);
		StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("store", store));
		assertThat(select(beans).store()).isSameAs(store);
	}

	@Test
	void refusesAJdbcStoreWithoutADataSource() {
		this.properties.setStore(HubProperties.StoreType.JDBC);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> select(new StaticListableBeanFactory()))
			.withMessageContaining("realtime.hub.store")
			.withMessageContaining("DataSource");
	}

	@Test
	void keepsTheJdbcStoreWhenTheApplicationHasADataSourceAndMemoryWhenAsked() {
		DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:hub-store-selection");
		DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
		StaticListableBeanFactory beans = new StaticListableBeanFactory(
				Map.of("jdbcTemplate", new JdbcTemplate(dataSource), "transactionManager", transactions));
		HubStoreSelection selected = select(beans);
		assertThat(selected.store()).isInstanceOf(JdbcHubStore.class);
		assertThat(selected.transactionManager()).isSameAs(transactions);
		this.properties.setStore(HubProperties.StoreType.MEMORY);
		assertThat(select(beans).store()).isInstanceOf(InMemoryHubStore.class);
	}

	@Test
	void inMemoryTransactionsExcludeEachOther() throws Exception {
		InMemoryHubStore store = new InMemoryHubStore(this.mapper);
		TransactionTemplate transactions = new TransactionTemplate(store.transactionManager());
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> transactions.executeWithoutResult((status) -> {
			store.addRoomMember("general", "alice", Instant.now());
			inside.countDown();
			awaitQuietly(release);
		}));
		holder.start();
		assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Map<String, Set<String>>> reader = CompletableFuture.supplyAsync(store::roomMembers);
		// the reader cannot get in while the transaction holds the store
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> reader.get(200, TimeUnit.MILLISECONDS));
		release.countDown();
		assertThat(reader.get(5, TimeUnit.SECONDS)).containsExactly(Map.entry("general", Set.of("alice")));
		holder.join();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private HubStoreSelection select(StaticListableBeanFactory beans) {
		return HubStoreSelection.select(this.properties, beans.getBeanProvider(JdbcTemplate.class),
				beans.getBeanProvider(PlatformTransactionManager.class), beans.getBeanProvider(InMemoryHubStore.class),
				this.mapper);
	}

	@Test
	void findsAcceptedKeysOfTheSendingUserOnlyAndForgetsThemWithRetention() {
		InMemoryHubStore store = new InMemoryHubStore(JsonMapper.builder().build());
		Instant then = Instant.parse("2026-01-01T00:00:00Z");
		store.ensureUser("alice", then);
		store.bindClient("c1", "alice", then);
		UUID message = UUID.randomUUID();
		store.insertMessages(List.of(new NewMessage(message, "order.shipped", "{}", "c1", "k1", then)));
		store.insertAcceptedEvents(
				List.of(new NewAcceptedEvent("c1", 1, "alice", "k1", "order.shipped", message, null, then)));
		store.updateAcceptedSeqs(new TreeMap<>(Map.of("c1", 1L)));
		assertThat(store.existingKeys("alice", List.of("k1", "k2"))).isEqualTo(Set.of("k1"));
		assertThat(store.existingKeys("bob", List.of("k1"))).isEmpty();
		assertThat(store.acceptedKeys("c1", List.of(1L, 2L))).isEqualTo(Map.of(1L, "k1"));
		assertThat(store.reserveSeqs(new TreeMap<>(Map.of("alice", 3)))).isEqualTo(Map.of("alice", 1L));
		store.purgeBefore(then.plusSeconds(1));
		assertThat(store.existingKeys("alice", List.of("k1"))).isEmpty();
		assertThat(store.acceptedSeq("c1")).isEqualTo(1);
	}

}
