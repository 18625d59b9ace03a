/**
 * The topic catalogue: every topic Vigil uses, declared once with its key and value serdes,
 * partitions, retention and cleanup policy ({@link dev.vigil.schemas.topic.Topics}), and the
 * admin step that creates or checks them on a cluster ({@link dev.vigil.schemas.topic.TopicAdmin}), after a
 * service's first contact with the cluster, bounded by its start-up timeout ({@link dev.vigil.schemas.topic.ClusterWait}).
 *
 * <p>A deployment may prefix every name (config {@code topic.prefix}) so that several Vigil
 * installations, or tests, share one cluster.
 */
package dev.vigil.schemas.topic;
