-- Every line of Advertising.csv splits into its 5 published columns and has
-- a row number (the second condition also keeps Spark from pruning the scan
-- to the corrupt-record column alone, which it refuses).
{{ config(enabled=('advertising' in var('public_data', {}))) }}

select *
from {{ source('advertising', 'advertising') }}
where _corrupt_record is not null or `_c0` is null
