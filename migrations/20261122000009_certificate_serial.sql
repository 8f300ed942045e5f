-- Search by a certificate's serial (the digits of 第0196479号): digit trigrams are too
-- unselective among millions of certificates (5–12 ms per search at 2.4 million), the
-- serial is an exact key.
CREATE INDEX certificates_serial_idx ON certificates ((substring(number FROM '第([0-9]+)号')));
