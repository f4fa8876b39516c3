package io.goldfinch.common;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCallTest {

    @Test
    void reportsWaitsGroupRunsAndSizes() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        CountDownLatch firstGroupRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCall<Integer, Integer> calls = new GroupCall<>("metered", 64, 1, inputs -> inputs, i -> {
            firstGroupRunning.countDown();
            await(release);
            return i;
        }, metrics)) {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<Integer>> results = new ArrayList<>();
            results.add(pool.submit(() -> calls.call(0)));
            firstGroupRunning.await(5, TimeUnit.SECONDS);
            for (int i = 1; i < 10; i++) {
                int input = i;
                results.add(pool.submit(() -> calls.call(input)));
            }
            while (calls.queued() < 9) {
                Thread.sleep(5);
            }
            Thread.sleep(30); // the nine queued callers wait at least this long behind the first group
            release.countDown();
            for (Future<Integer> f : results) {
                f.get(5, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        var size = metrics.get("goldfinch.group.size").tag("name", "metered").summary();
        var wait = metrics.get("goldfinch.group.wait").tag("name", "metered").timer();
        var run = metrics.get("goldfinch.group.run").tag("name", "metered").timer();
        assertThat(size.count()).isEqualTo(2);
        assertThat(size.totalAmount()).isEqualTo(10);
        assertThat(size.max()).isEqualTo(9);
        assertThat(wait.count()).isEqualTo(10);
        assertThat(wait.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
        assertThat(run.count()).isEqualTo(2);
        assertThat(run.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
    }

    @Test
    void concurrentCallersEachGetTheirOwnResultAndShareGroups() throws Exception {
        List<Integer> groupSizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstGroupRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCall<Integer, Integer> calls = new GroupCall<>("test", 64, 1, inputs -> {
            groupSizes.add(inputs.size());
            firstGroupRunning.countDown();
            await(release);
            return inputs.stream().map(i -> i * 10).toList();
        }, i -> {
            groupSizes.add(1);
            firstGroupRunning.countDown();
            await(release);
            return i * 10;
        })) {
            ExecutorService pool = Executors.newFixedThreadPool(40);
            List<Future<Integer>> results = new ArrayList<>();
            results.add(pool.submit(() -> calls.call(0)));
            firstGroupRunning.await(5, TimeUnit.SECONDS);
            // While the first call runs, 39 more queue up; they go together in the next group.
            for (int i = 1; i < 40; i++) {
                int input = i;
                results.add(pool.submit(() -> calls.call(input)));
            }
            Thread.sleep(200);
            release.countDown();
            for (int i = 0; i < 40; i++) {
                assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i * 10);
            }
            pool.shutdown();
            assertThat(groupSizes).as("one call alone, then the 39 that waited, in one group").containsExactly(1, 39);
        }
    }

    @Test
    void whenAGroupFailsEachInputRunsAloneAndOnlyTheBadOneFails() throws Exception {
        AtomicInteger singles = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCall<Integer, Integer> calls = new GroupCall<>("test", 64, 1, inputs -> {
            if (inputs.contains(-1)) {
                throw new IllegalArgumentException("a bad input spoils the group");
            }
            return inputs;
        }, i -> {
            singles.incrementAndGet();
            running.countDown();
            await(release);
            if (i < 0) {
                throw new IllegalArgumentException("bad input " + i);
            }
            return i;
        })) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            Future<Integer> blocker = pool.submit(() -> calls.call(100));
            running.await(5, TimeUnit.SECONDS);
            Future<Integer> good = pool.submit(() -> calls.call(7));
            Future<Integer> bad = pool.submit(() -> calls.call(-1));
            Future<Integer> good2 = pool.submit(() -> calls.call(8));
            Thread.sleep(200);
            release.countDown();
            assertThat(blocker.get(5, TimeUnit.SECONDS)).isEqualTo(100);
            assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(good2.get(5, TimeUnit.SECONDS)).isEqualTo(8);
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("bad input -1");
            assertThat(singles.get()).as("the failed group of 3 ran again one by one").isEqualTo(4);
            pool.shutdown();
        }
    }

    @Test
    void withTwoGroupThreadsEveryCallerStillGetsItsOwnResult() throws Exception {
        try (GroupCall<Integer, String> calls = new GroupCall<>("test", 16, 2, inputs -> inputs.stream().map(i -> "r" + i).toList(),
                i -> "r" + i)) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int input = i;
                results.add(pool.submit(() -> calls.call(input)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("r" + i);
            }
            pool.shutdown();
        }
    }

    @Test
    void aClosedGroupCallRefusesNewCalls() {
        GroupCall<Integer, Integer> calls = new GroupCall<>("test", 8, 1, inputs -> inputs, i -> i);
        assertThat(calls.call(3)).isEqualTo(3);
        calls.close();
        assertThatThrownBy(() -> calls.call(4)).isInstanceOf(IllegalStateException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
