//! The background writer on both backends: writes run in order, in batches, and one bad write
//! loses no other.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_store::on_both_backends;
use analyst_store::testkit::{Backend, TestStore};
use analyst_store::{Connection, Value, Writer};

on_both_backends!(writes_run_in_order_and_a_bad_one_loses_no_other);

fn writes_run_in_order_and_a_bad_one_loses_no_other(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    connection
        .execute_batch("CREATE TABLE app.writer_test (n INTEGER PRIMARY KEY)")
        .unwrap();
    let writer = Writer::start(connection.new_connection().unwrap());
    for n in 0..1_000_i64 {
        writer.submit(Box::new(move |c: &dyn Connection| {
            c.execute("INSERT INTO app.writer_test VALUES ($1)", &[n.into()])?;
            Ok(())
        }));
        if n == 500 {
            // A duplicate key: this write fails, the others of its batch are kept.
            writer.submit(Box::new(|c: &dyn Connection| {
                c.execute("INSERT INTO app.writer_test VALUES (7)", &[])?;
                Ok(())
            }));
        }
    }
    writer.flush();
    let count = connection
        .query("SELECT count(*), max(n) FROM app.writer_test", &[])
        .unwrap();
    assert_eq!(
        count.rows[0],
        vec![Value::from(1_000_i64), Value::from(999_i64)]
    );
    // Dropping the writer writes what is still queued.
    writer.submit(Box::new(|c: &dyn Connection| {
        c.execute("INSERT INTO app.writer_test VALUES (5000)", &[])?;
        Ok(())
    }));
    drop(writer);
    let last = connection
        .query("SELECT count(*) FROM app.writer_test WHERE n = 5000", &[])
        .unwrap();
    assert_eq!(last.scalar(), Some(&Value::from(1_i64)));
}
