package io.goldfinch.jobs;

import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;

import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where an upload's parsed rows go: accepted rows are bound to an INSERT and written in batches, bad rows and repeated
 * ids are collected as row errors (the first {@link JobService#MAX_REPORTED_ERRORS}) for the upload's report.
 */
public final class RowSink implements ItemParser.Sink, AutoCloseable {

    /** Sets one row's parameters on the INSERT. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement insert, ItemParser.Row row) throws SQLException;
    }

    private static final int BATCH = 1000;

    private final PreparedStatement insert;
    private final Set<String> ids;
    private final Binder binder;
    private final List<JobService.RowError> errors = new ArrayList<>();
    private long rows;
    private long accepted;
    private long rejected;
    private int pending;

    /** {@code ids}: the ids already stored where the rows go; a row repeating one is refused. */
    public RowSink(PreparedStatement insert, Set<String> ids, Binder binder) {
        this.insert = insert;
        this.ids = ids;
        this.binder = binder;
    }

    @Override
    public void row(ItemParser.Row row) {
        rows++;
        if (!ids.add(row.externalId())) {
            reject(row.line(), "duplicate id '" + row.externalId() + "'");
            return;
        }
        try {
            binder.bind(insert, row);
            insert.addBatch();
            accepted++;
            if (++pending >= BATCH) {
                flush();
            }
        } catch (SQLException e) {
            throw new Db.DataAccessException(e);
        }
    }

    @Override
    public void error(long line, String message) {
        rows++;
        reject(line, message);
    }

    private void reject(long line, String message) {
        rejected++;
        if (errors.size() < JobService.MAX_REPORTED_ERRORS) {
            errors.add(new JobService.RowError(line, message));
        }
    }

    /**
     * Parses the whole upload into this sink and writes what is left: the upload's report. An upload that cannot be
     * read at all is a 400 ({@code unreadable-upload}).
     */
    public JobService.UploadReport drain(ItemParser parser, InputStream body, ItemParser.Format format) {
        try (this) {
            parser.parse(body, format, this);
            flush();
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable-upload", "the upload could not be read: " + e.getMessage());
        } catch (SQLException e) {
            throw new Db.DataAccessException(e);
        }
        return report();
    }

    /** Writes the rows not yet written. */
    public void flush() {
        if (pending == 0) {
            return;
        }
        try {
            insert.executeBatch();
            pending = 0;
        } catch (SQLException e) {
            throw new Db.DataAccessException(e);
        }
    }

    public JobService.UploadReport report() {
        return new JobService.UploadReport(rows, accepted, rejected, List.copyOf(errors), rejected > errors.size());
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
