package io.khora.hibernate.model.beans;

import io.khora.ClusterInfo;
import io.khora.annotation.SpaceInitialLoadQuery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A separate bean naming its entity (seed 001, second form), using the ClusterInfo it is given. */
public class OrderLoadQueries {
    /** Every ClusterInfo the method was called with. */
    public static final List<ClusterInfo> CALLS = new CopyOnWriteArrayList<>();

    /** Open orders; in a partitioned space only this partition's, written by hand as the seed shows. */
    @SpaceInitialLoadQuery(type = "io.khora.hibernate.model.PurchaseOrder")
    public String openOrders(ClusterInfo clusterInfo) {
        CALLS.add(clusterInfo);
        int n = clusterInfo.getNumberOfInstances();
        if (n == 1) {
            return "status = 'OPEN'";
        }
        return "status = 'OPEN' and mod(mod(customerId, " + n + ") + " + n + ", " + n + ") = " + (clusterInfo.getInstanceId() - 1);
    }
}
