package dev.realtime.schema;

import java.util.Locale;

import org.hibernate.boot.model.relational.Namespace;
import org.hibernate.boot.model.relational.Sequence;
import org.hibernate.mapping.Table;
import org.hibernate.tool.schema.spi.SchemaFilter;
import org.hibernate.tool.schema.spi.SchemaFilterProvider;

/**
 * Keeps Hibernate's schema tooling ({@code spring.jpa.hibernate.ddl-auto}) away from the
 * library's tables, which its own migrations own: otherwise an application on an embedded
 * database with the default {@code create-drop} would drop and recreate them from the
 * entity mappings after the migrations ran, losing their indexes and constraints.
 */
public class LibraryTablesSchemaFilterProvider implements SchemaFilterProvider {

	/** The prefix of every table and sequence the library's migrations create. */
	static final String PREFIX = "realtime_";

	private static final SchemaFilter APPLICATION_ONLY = new SchemaFilter() {

		@Override
		public boolean includeNamespace(Namespace namespace) {
			return true;
		}

		@Override
		public boolean includeTable(Table table) {
			return !isLibrary(table.getName());
		}

		@Override
		public boolean includeSequence(Sequence sequence) {
			return !isLibrary(sequence.getName().getSequenceName().getText());
		}

	};

	private static boolean isLibrary(String name) {
		return name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
	}

	@Override
	public SchemaFilter getCreateFilter() {
		return APPLICATION_ONLY;
	}

	@Override
	public SchemaFilter getDropFilter() {
		return APPLICATION_ONLY;
	}

	@Override
	public SchemaFilter getTruncatorFilter() {
		return APPLICATION_ONLY;
	}

	@Override
	public SchemaFilter getMigrateFilter() {
		return APPLICATION_ONLY;
	}

	@Override
	public SchemaFilter getValidateFilter() {
		return APPLICATION_ONLY;
	}

}
