package io.goldfinch.common;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC with explicit transactions. Every statement is written out where it is used, so each query shows its
 * authorisation scope (the caller's id in the WHERE clause) to the reader.
 */
@Singleton
public final class Db {

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    public Db(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs the work in one transaction. A deadlock or serialization failure (SQLSTATE 40P01, 40001) rolls back
     * everything the work did, so it is retried, at most three times: the work must do nothing but database work.
     */
    public <T> T tx(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (DataAccessException e) {
                if (attempt >= 3 || !(sqlState(e, "40P01") || sqlState(e, "40001"))) {
                    throw e;
                }
            }
        }
    }

    private <T> T once(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException | Error e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** One statement in its own implicit transaction: one round trip (e.g. a call of a database function). */
    public <T> T autocommit(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Opens a query to be read a page at a time through a server-side cursor ({@code fetch} rows per round trip), in
     * one read-only transaction that holds a pooled connection until the cursor is closed: for downloads too large to
     * hold in memory. The caller must close it.
     */
    public <T> Cursor<T> cursor(RowMapper<T> mapper, int fetch, String sql, Object... params) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            c.setReadOnly(true);
            PreparedStatement ps = prepare(c, sql, params);
            ps.setFetchSize(fetch);
            return new Cursor<>(c, ps, ps.executeQuery(), mapper);
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.rollback();
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new DataAccessException(e);
        }
    }

    /** An open query read a page at a time; closing it ends its transaction and returns its connection. */
    public static final class Cursor<T> implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rows;
        private final RowMapper<T> mapper;

        private Cursor(Connection connection, PreparedStatement statement, ResultSet rows, RowMapper<T> mapper) {
            this.connection = connection;
            this.statement = statement;
            this.rows = rows;
            this.mapper = mapper;
        }

        /** The next rows, at most {@code max}; empty at the end. */
        public List<T> next(int max) {
            try {
                List<T> out = new ArrayList<>(Math.min(max, 1024));
                while (out.size() < max && rows.next()) {
                    out.add(mapper.map(rows));
                }
                return out;
            } catch (SQLException e) {
                throw new DataAccessException(e);
            }
        }

        @Override
        public void close() {
            try (connection; statement; rows) {
                connection.rollback();
            } catch (SQLException e) {
                throw new DataAccessException(e);
            }
        }
    }

    public static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    public static <T> List<T> list(Connection c, RowMapper<T> mapper, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    public static <T> Optional<T> one(Connection c, RowMapper<T> mapper, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
        }
    }

    public static long scalarLong(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no row for scalar query: " + sql);
            }
            return rs.getLong(1);
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** SQLSTATE 23505. */
    public static boolean isUniqueViolation(Throwable e) {
        return sqlState(e, "23505");
    }

    /** SQLSTATE 23514. */
    public static boolean isCheckViolation(Throwable e) {
        return sqlState(e, "23514");
    }

    private static boolean sqlState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && state.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** An unexpected database failure (a 500, logged); expected ones are mapped to {@link ApiException} at the call. */
    public static final class DataAccessException extends RuntimeException {
        public DataAccessException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
