package dev.realtime.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link DataSource} that holds the library's durable stores (outbox, inbox, read
 * receipts): a bean of its own only when they are kept in the database
 * ({@code realtime.outbox.store=jdbc}, the default with a DataSource).
 *
 * @param dataSource the application's DataSource
 * @param beanName its bean name, for the log
 */
record RealtimeStoreDataSource(DataSource dataSource, String beanName) {

	/**
	 * Return the transactions the inbox and the receipt store run in: the application's
	 * transaction manager (a listener's writes and the store's join one transaction; a
	 * {@code JpaTransactionManager} on the same database exposes its connection to JDBC),
	 * or one of the DataSource's own when the application has none or several.
	 * @param transactionManagers the application's transaction managers
	 * @return the transactions
	 */
	TransactionTemplate transactions(ObjectProvider<PlatformTransactionManager> transactionManagers) {
		return new TransactionTemplate(
				transactionManagers.getIfUnique(() -> new DataSourceTransactionManager(this.dataSource)));
	}

}
