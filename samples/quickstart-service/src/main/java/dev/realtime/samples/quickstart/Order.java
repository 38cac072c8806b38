package dev.realtime.samples.quickstart;

/**
 * An order of the service's own domain.
 *
 * @param id the order's id
 * @param status its status
 */
record Order(long id, String status) {

	Order shipped() {
		return new Order(this.id, "SHIPPED");
	}

}
