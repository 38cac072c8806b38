package dev.realtime.testkit.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A container that is never started: it answers an image name, a host and a mapped port,
 * as a started container of the hub would. Only for the factory's mapping tests: this
 * build has no container engine to run the hub's image on.
 */
class HubContainerDouble extends GenericContainer<HubContainerDouble> {

	private final String image;

	private final String host;

	private final int mappedPort;

	HubContainerDouble(String image, String host, int mappedPort) {
		super(DockerImageName.parse(image));
		this.image = image;
		this.host = host;
		this.mappedPort = mappedPort;
	}

	@Override
	public String getDockerImageName() {
		return this.image;
	}

	@Override
	public String getHost() {
		return this.host;
	}

	@Override
	public Integer getMappedPort(int originalPort) {
		if (originalPort != RealtimeHubContainerConnectionDetailsFactory.HUB_PORT) {
			throw new IllegalArgumentException("Port " + originalPort + " is not exposed");
		}
		return this.mappedPort;
	}

	@Override
	public void start() {
		// nothing to start: the double answers as a started container
	}

	@Override
	public void stop() {
	}

}
