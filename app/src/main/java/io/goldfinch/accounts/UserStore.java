package io.goldfinch.accounts;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Users and their credentials. */
@Singleton
public final class UserStore {

    /** A user with the hash, for sign-in only. */
    public record Credentials(User user, String passwordHash) {
    }

    private static final String COLUMNS = "id, email, display_name, roles, blocked, skills";

    private final Db db;
    private final PasswordHasher hasher;
    private final Clock clock;

    public UserStore(Db db, PasswordHasher hasher, Clock clock) {
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
    }

    public static String normaliseEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    public User create(String email, String password, String displayName, List<Role> roles) {
        String hash = hasher.hash(password);
        String normalised = normaliseEmail(email);
        try {
            return db.tx(c -> {
                Array roleArray = c.createArrayOf("text", roles.stream().map(Role::name).toArray());
                return Db.one(c, UserStore::map,
                        "INSERT INTO app_user (email, display_name, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?) RETURNING " + COLUMNS,
                        normalised, displayName.trim(), hash, roleArray, Timestamp.from(clock.instant())).orElseThrow();
            });
        } catch (Db.DataAccessException e) {
            if (Db.isUniqueViolation(e)) {
                throw ApiException.conflict("email-taken", "an account with this email already exists");
            }
            throw e;
        }
    }

    public Optional<Credentials> credentials(String email) {
        return db.tx(c -> Db.one(c, rs -> new Credentials(map(rs), rs.getString("password_hash")),
                "SELECT " + COLUMNS + ", password_hash FROM app_user WHERE email = ?", normaliseEmail(email)));
    }

    public Optional<User> find(long id) {
        return db.tx(c -> find(c, id));
    }

    public static Optional<User> find(Connection c, long id) throws SQLException {
        return Db.one(c, UserStore::map, "SELECT " + COLUMNS + " FROM app_user WHERE id = ?", id);
    }

    public User setRoles(long id, List<Role> roles) {
        return db.tx(c -> Db.one(c, UserStore::map,
                        "UPDATE app_user SET roles = ? WHERE id = ? RETURNING " + COLUMNS,
                        c.createArrayOf("text", roles.stream().map(Role::name).toArray()), id)
                .orElseThrow(() -> ApiException.notFound("user")));
    }

    public User setSkills(long id, List<String> skills) {
        return db.tx(c -> Db.one(c, UserStore::map,
                        "UPDATE app_user SET skills = ? WHERE id = ? RETURNING " + COLUMNS, c.createArrayOf("text", skills.toArray()), id)
                .orElseThrow(() -> ApiException.notFound("user")));
    }

    public User setBlocked(long id, boolean blocked) {
        return db.tx(c -> Db.one(c, UserStore::map,
                        "UPDATE app_user SET blocked = ? WHERE id = ? RETURNING " + COLUMNS, blocked, id)
                .orElseThrow(() -> ApiException.notFound("user")));
    }

    static User map(ResultSet rs) throws SQLException {
        String[] roles = (String[]) rs.getArray("roles").getArray();
        return new User(rs.getLong("id"), rs.getString("email"), rs.getString("display_name"),
                Arrays.asList(roles), rs.getBoolean("blocked"), Arrays.asList((String[]) rs.getArray("skills").getArray()));
    }
}
