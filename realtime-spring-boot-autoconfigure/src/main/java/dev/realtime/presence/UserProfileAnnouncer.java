package dev.realtime.presence;

import java.util.concurrent.CompletableFuture;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.Subscription;
import dev.realtime.client.UserProfile;
import dev.realtime.protocol.MetaFrame;

/**
 * Sends a user's {@link UserProfile} to the hub after every (re)connect and on change, as
 * the meta signal {@value MetaFrame#USER_UPDATE} with payload {@code {"custom": {…},
 * "privacy": {…}}}, and the privacy settings also as {@value MetaFrame#PRIVACY_UPDATE}
 * for hubs that do not know profiles (they ignore the unknown signal).
 */
public class UserProfileAnnouncer implements AutoCloseable {

	private final MetaSignalClient client;

	private final Subscription subscription;

	private volatile UserProfile profile;

	/**
	 * Announce a profile on every connect of the client.
	 * @param client the user's client
	 * @param profile the user's profile
	 */
	public UserProfileAnnouncer(MetaSignalClient client, UserProfile profile) {
		requireSameUser(client.userId(), profile);
		this.client = client;
		this.profile = profile;
		this.subscription = client.onConnectionStateChange((change) -> {
			if (change.current() == ConnectionState.CONNECTED) {
				announce();
			}
		});
		if (client.connectionState() == ConnectionState.CONNECTED) {
			announce();
		}
	}

	/**
	 * Change the profile and tell the hub now if connected, else at the next connect.
	 * @param profile the new profile, of the same user
	 * @return a future completed with whether the update was written to the connection
	 * now
	 */
	public CompletableFuture<Boolean> update(UserProfile profile) {
		requireSameUser(this.client.userId(), profile);
		this.profile = profile;
		return announce();
	}

	/**
	 * Return the profile as last set.
	 * @return the profile
	 */
	public UserProfile profile() {
		return this.profile;
	}

	private static void requireSameUser(String userId, UserProfile profile) {
		if (!userId.equals(profile.id())) {
			throw new IllegalArgumentException(
					"Profile of '" + profile.id() + "' given to the client of '" + userId + "'");
		}
	}

	private CompletableFuture<Boolean> announce() {
		UserProfile current = this.profile;
		this.client.sendMeta(MetaFrame.PRIVACY_UPDATE, current.privacy().toPayload());
		return this.client.sendMeta(MetaFrame.USER_UPDATE, current.toPayload());
	}

	@Override
	public void close() {
		this.subscription.close();
	}

}
