package dev.realtime.test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * A DataSource that counts the statements executed through it, in total and on the
 * current thread (each {@code execute*} call counts one, a JDBC batch counts one round
 * trip).
 */
public final class CountingDataSource {

	private final AtomicLong total = new AtomicLong();

	private final ThreadLocal<long[]> perThread = ThreadLocal.withInitial(() -> new long[1]);

	private final DataSource dataSource;

	public CountingDataSource(DataSource target) {
		this.dataSource = proxy(DataSource.class, target);
	}

	/**
	 * Return the counting DataSource.
	 * @return the DataSource to hand to the code under test
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Return the statements executed so far on any thread.
	 * @return the count
	 */
	public long total() {
		return this.total.get();
	}

	/**
	 * Return the statements executed so far on the calling thread.
	 * @return the count
	 */
	public long onThisThread() {
		return this.perThread.get()[0];
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(Class<T> type, T target) {
		InvocationHandler handler = (proxy, method, args) -> {
			Object result = invoke(method, target, args);
			if (result instanceof Statement statement && !(result instanceof Proxy)) {
				return proxy(statementType(method), statement);
			}
			if (result instanceof Connection connection && type == DataSource.class) {
				return proxy(Connection.class, connection);
			}
			if (target instanceof Statement && method.getName().startsWith("execute")) {
				this.total.incrementAndGet();
				this.perThread.get()[0]++;
			}
			return result;
		};
		return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

	@SuppressWarnings("unchecked")
	private static Class<Statement> statementType(Method method) {
		return (Class<Statement>) method.getReturnType();
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
