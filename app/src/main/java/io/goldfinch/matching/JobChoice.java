package io.goldfinch.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The order in which a worker who asks for "any job" is offered jobs: fair across requesters (each round visits every
 * requester once, in a random order, so no requester is always first), and within a requester by priority, then
 * reward.
 */
public final class JobChoice {

    private JobChoice() {
    }

    public record Candidate<T>(T job, long requesterId, int priority, long rewardMinor) {
    }

    public static <T> List<T> order(List<Candidate<T>> candidates, RandomGenerator random) {
        Map<Long, List<Candidate<T>>> byRequester = new LinkedHashMap<>();
        candidates.stream()
                .sorted(Comparator.<Candidate<T>>comparingInt(c -> -c.priority()).thenComparingLong(c -> -c.rewardMinor()))
                .forEach(c -> byRequester.computeIfAbsent(c.requesterId(), k -> new ArrayList<>()).add(c));
        List<List<Candidate<T>>> queues = new ArrayList<>(byRequester.values());
        List<T> out = new ArrayList<>(candidates.size());
        while (!queues.isEmpty()) {
            for (int i = queues.size() - 1; i > 0; i--) {
                java.util.Collections.swap(queues, i, random.nextInt(i + 1));
            }
            for (var it = queues.iterator(); it.hasNext(); ) {
                List<Candidate<T>> q = it.next();
                out.add(q.remove(0).job());
                if (q.isEmpty()) {
                    it.remove();
                }
            }
        }
        return out;
    }

}
