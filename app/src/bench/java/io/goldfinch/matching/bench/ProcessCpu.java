package io.goldfinch.matching.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * CPU time of the processes on this machine, grouped as the load benchmark's parts (the app, PostgreSQL, Redis, this
 * driver, anything else), from {@code /proc}: between two snapshots, how many cores each part kept busy. On a machine
 * whose cores all these share, it tells what a phase's latency queued behind. Linux only; elsewhere the line says so.
 */
final class ProcessCpu {
    private static final List<String> PARTS = List.of("app", "postgres", "redis", "driver", "other");
    private static final long SELF = ProcessHandle.current().pid();
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    /** One process: the part it belongs to and its CPU ticks so far (user and system). */
    record Proc(String part, long ticks) {
    }

    /** Every process by pid, and when they were read. */
    record Snapshot(long nanos, Map<Long, Proc> procs) {
    }

    private ProcessCpu() {
    }

    static Snapshot snapshot() {
        Map<Long, Proc> procs = new HashMap<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                    // Fields after the command name in parentheses (which may hold spaces): utime and stime are the 12th
                    // and 13th of them (fields 14 and 15 of proc(5)).
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    long pid = Long.parseLong(p.getFileName().toString());
                    procs.put(pid, new Proc(part(pid, comm, cmdline), Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // the process ended while it was read
                }
            });
        } catch (IOException e) {
            return new Snapshot(System.nanoTime(), Map.of());
        }
        return new Snapshot(System.nanoTime(), procs);
    }

    private static String part(long pid, String comm, String cmdline) {
        if (pid == SELF) {
            return "driver";
        }
        if (cmdline.contains("goldfinch-app")) {
            return "app";
        }
        if (comm.equals("postgres")) {
            return "postgres";
        }
        if (comm.startsWith("redis-server")) {
            return "redis";
        }
        return "other";
    }

    /**
     * Cores each part kept busy between the snapshots: per process alive at the second, its ticks since the first (all of
     * them for a process started in between); a process that ended in between is missed.
     */
    static String line(Snapshot before, Snapshot after) {
        if (before.procs().isEmpty() || after.procs().isEmpty()) {
            return "  cpu: not measured (no /proc)";
        }
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        StringJoiner line = new StringJoiner(", ", "  cpu (cores busy): ", String.format(Locale.ROOT, " of %d",
                Runtime.getRuntime().availableProcessors()));
        Map<String, Long> used = new LinkedHashMap<>();
        PARTS.forEach(part -> used.put(part, 0L));
        after.procs().forEach((pid, p) -> {
            Proc b = before.procs().get(pid);
            long since = b == null || b.ticks() > p.ticks() ? p.ticks() : p.ticks() - b.ticks(); // more before: pid reused
            used.merge(p.part(), since, Long::sum);
        });
        double total = 0;
        for (String part : PARTS) {
            double cores = used.get(part) / TICKS_PER_SECOND / seconds;
            total += cores;
            line.add(String.format(Locale.ROOT, "%s %.2f", part, cores));
        }
        line.add(String.format(Locale.ROOT, "all %.2f", total));
        return line.toString();
    }

    private static double ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 ? Double.parseDouble(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every mainstream Linux
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
