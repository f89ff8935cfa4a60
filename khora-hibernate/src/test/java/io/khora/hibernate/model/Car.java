package io.khora.hibernate.model;

import jakarta.persistence.Entity;

/** A subtype of {@link Vehicle}. */
@Entity
public class Car extends Vehicle {
    private Integer seats;

    public Car() {
    }

    public Car(Integer id, String plate, Integer seats) {
        super(id, plate);
        this.seats = seats;
    }

    public Integer getSeats() {
        return seats;
    }

    public void setSeats(Integer seats) {
        this.seats = seats;
    }
}
