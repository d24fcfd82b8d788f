-- How many inbox tabs (per account) and widget tabs (per visitor) hold a live
-- socket. The live objects write the count on every connect and close, before
-- a new socket is answered; the worker pushes only where someone listens.
-- A count may stay high after an object is lost (a push then reaches nobody);
-- it is never lower than the sockets open.
ALTER TABLE accounts ADD COLUMN live_tabs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN live_tabs INTEGER NOT NULL DEFAULT 0;
