package io.goldfinch.matching.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A small non-blocking HTTP/1.1 load driver: one thread, one keep-alive connection per simulated worker, each running
 * its own script of requests. It exists because a load generator on the same 2-core machine as the server must cost
 * little: a thread per worker with the JDK's HttpClient spent more CPU than the server's trivial endpoint and capped
 * what could be measured. Responses are read by Content-Length or chunked encoding; nothing else of HTTP is needed.
 *
 * <p>Connections outlive a run: script {@code i} of every run uses connection {@code i}, kept open between phases as a
 * browser keeps its connection between tasks. Opening 500 connections at each phase's start (and closing 500 at its
 * end) put a burst of connection work on the server in the first second of every measured phase.
 */
final class HttpLoad implements AutoCloseable {

    /** One HTTP response: status and body. */
    record Response(int status, String body) {
    }

    /** What a simulated worker does next; called on the driver thread, so scripts need no synchronisation. */
    interface Script {
        /** The first request of this worker, or null to wait {@link #waitNanos()} and then {@link #resume}. */
        byte[] start(long nowNanos);

        /**
         * The response to the last request arrived. Returns the next request, or null to wait {@link #waitNanos()} and
         * then call {@link #start}-like {@link #resume}.
         */
        byte[] onResponse(Response r, long nowNanos);

        /** After {@link #onResponse} returned null: how long to wait before {@link #resume}. */
        long waitNanos();

        /** The request to send after a wait. */
        byte[] resume(long nowNanos);
    }

    private final InetSocketAddress address;
    private final String host;
    /** Connection i of script i, kept between runs; null where none is open. */
    private final List<SocketChannel> channels = new ArrayList<>();
    /** Longest wait, after a run, for the responses still in flight (read and dropped, so the connection can be reused). */
    private static final long DRAIN_NANOS = 30_000_000_000L;

    HttpLoad(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.host = uri.getHost() + ":" + uri.getPort();
    }

    byte[] request(String method, String path, String token, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (json != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static final class Conn {
        final Script script;
        final SocketChannel channel;
        ByteBuffer out;
        byte[] in = new byte[8192];
        int inLength;
        long wakeAt;
        /** A request was sent and its response is not complete yet. */
        boolean inFlight;

        Conn(Script script, SocketChannel channel) {
            this.script = script;
            this.channel = channel;
        }
    }

    /**
     * Runs the scripts until {@code seconds} have passed. A response still in flight at the end is read and dropped (not
     * given to its script), so that the connection can serve the next run; one that does not come is closed.
     */
    void run(List<Script> scripts, double seconds) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < scripts.size(); i++) {
                SocketChannel ch = channel(i);
                Conn c = new Conn(scripts.get(i), ch);
                ch.register(selector, 0, c);
                conns.add(c);
            }
            long start = System.nanoTime();
            PriorityQueue<Conn> sleeping = new PriorityQueue<>((a, b) -> Long.compare(a.wakeAt, b.wakeAt));
            long now = System.nanoTime();
            for (Conn c : conns) {
                byte[] first = c.script.start(now);
                if (first != null) {
                    send(selector, c, first);
                } else {
                    c.wakeAt = now + c.script.waitNanos();
                    sleeping.add(c);
                }
            }
            long end = start + (long) (seconds * 1e9);
            while ((now = System.nanoTime()) < end) {
                while (!sleeping.isEmpty() && sleeping.peek().wakeAt <= now) {
                    Conn c = sleeping.poll();
                    send(selector, c, c.script.resume(now));
                }
                long timeout = Math.min(end - now, sleeping.isEmpty() ? Long.MAX_VALUE : sleeping.peek().wakeAt - now);
                selector.select(Math.max(1, timeout / 1_000_000));
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    Response r = step(key, c);
                    if (r != null) {
                        long t = System.nanoTime();
                        byte[] next = c.script.onResponse(r, t);
                        if (next != null) {
                            send(selector, c, next);
                        } else {
                            key.interestOps(0);
                            c.wakeAt = t + c.script.waitNanos();
                            sleeping.add(c);
                        }
                    }
                }
            }
            drain(selector, conns);
        }
    }

    /** Connection {@code i}: the one kept from an earlier run if the server has not closed it, else a new one. */
    private SocketChannel channel(int i) throws IOException {
        while (channels.size() <= i) {
            channels.add(null);
        }
        SocketChannel ch = channels.get(i);
        if (ch != null && ch.isOpen()) {
            try {
                if (ch.read(ByteBuffer.allocate(256)) == 0) {
                    return ch; // open, and nothing unasked for waiting on it
                }
            } catch (IOException reset) {
                // closed by the server: open another
            }
            ch.close(); // closed by the server (idle), or a stray response
        }
        ch = SocketChannel.open(address);
        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        channels.set(i, ch);
        return ch;
    }

    /** Reads the responses still in flight, without their scripts; closes the connections whose response did not come. */
    private void drain(Selector selector, List<Conn> conns) throws IOException {
        long end = System.nanoTime() + DRAIN_NANOS;
        int pending = 0;
        for (Conn c : conns) {
            if (c.inFlight) {
                pending++;
            }
        }
        while (pending > 0 && System.nanoTime() < end) {
            selector.select(100);
            var it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Conn c = (Conn) key.attachment();
                if (!c.inFlight) {
                    continue;
                }
                boolean done;
                try {
                    done = step(key, c) != null;
                } catch (IOException closed) {
                    c.channel.close(); // the server closed it: the next run opens another
                    c.inFlight = false;
                    done = true;
                }
                if (done) {
                    if (key.isValid()) {
                        key.interestOps(0);
                    }
                    pending--;
                }
            }
        }
        for (int i = 0; i < conns.size(); i++) {
            if (conns.get(i).inFlight) {
                conns.get(i).channel.close();
                channels.set(i, null);
            }
        }
    }

    /** Closes the connections kept between runs. */
    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        channels.clear();
    }

    /** Writes what is left of the request when the connection can take it; returns the response once it is complete. */
    private static Response step(SelectionKey key, Conn c) throws IOException {
        if (key.isWritable()) {
            c.channel.write(c.out);
            if (!c.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }
        if (!key.isReadable()) {
            return null;
        }
        Response r = read(c);
        if (r != null) {
            c.inFlight = false;
        }
        return r;
    }

    private static void send(Selector selector, Conn c, byte[] request) throws IOException {
        c.out = ByteBuffer.wrap(request);
        c.inFlight = true;
        c.inLength = 0;
        c.channel.write(c.out);
        c.channel.keyFor(selector).interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    }

    /** Reads what is available; returns the response once complete. */
    private static Response read(Conn c) throws IOException {
        while (true) {
            if (c.inLength == c.in.length) {
                c.in = Arrays.copyOf(c.in, c.in.length * 2);
            }
            int n = c.channel.read(ByteBuffer.wrap(c.in, c.inLength, c.in.length - c.inLength));
            if (n < 0) {
                throw new IOException("server closed the connection");
            }
            if (n == 0) {
                break;
            }
            c.inLength += n;
        }
        return parse(c);
    }

    private static Response parse(Conn c) {
        byte[] b = c.in;
        int headEnd = indexOf(b, c.inLength, 0);
        if (headEnd < 0) {
            return null;
        }
        String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        int bodyStart = headEnd + 4;
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        int cl = lower.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int eol = lower.indexOf("\r\n", cl + 2);
            int length = Integer.parseInt(lower.substring(cl + 17, eol < 0 ? lower.length() : eol).trim());
            if (c.inLength < bodyStart + length) {
                return null;
            }
            return new Response(status, new String(b, bodyStart, length, StandardCharsets.UTF_8));
        }
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            StringBuilder body = new StringBuilder();
            int p = bodyStart;
            while (true) {
                int eol = indexOfCrlf(b, c.inLength, p);
                if (eol < 0) {
                    return null;
                }
                int size = Integer.parseInt(new String(b, p, eol - p, StandardCharsets.ISO_8859_1).trim().split(";")[0], 16);
                if (size == 0) {
                    return eol + 4 <= c.inLength ? new Response(status, body.toString()) : null;
                }
                if (c.inLength < eol + 2 + size + 2) {
                    return null;
                }
                body.append(new String(b, eol + 2, size, StandardCharsets.UTF_8));
                p = eol + 2 + size + 2;
            }
        }
        return new Response(status, ""); // 204 and friends
    }

    private static int indexOf(byte[] b, int length, int from) {
        for (int i = from; i + 3 < length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(byte[] b, int length, int from) {
        for (int i = from; i + 1 < length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
