package dev.realtime.autoconfigure.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An entity of the application, outside the library's packages.
 */
@Entity
@Table(name = "app_note")
public class AppNote {

	@Id
	private Long id;

	private String text;

	protected AppNote() {
	}

	public AppNote(Long id, String text) {
		this.id = id;
		this.text = text;
	}

	public String getText() {
		return this.text;
	}

}
