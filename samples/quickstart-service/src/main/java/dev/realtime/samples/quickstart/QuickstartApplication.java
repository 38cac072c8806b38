package dev.realtime.samples.quickstart;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service of the README's quick start: the starter, the {@code application.yml} of
 * step 3 and the {@link OrderService} of step 4, on an embedded H2 database.
 */
@SpringBootApplication
public class QuickstartApplication {

	public static void main(String[] args) {
		SpringApplication.run(QuickstartApplication.class, args);
	}

}
