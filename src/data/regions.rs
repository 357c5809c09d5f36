//! AWS region codes, to refuse a configured region that is not one (`regions = ["us-east-9"]`)
//! and suggest the nearest.
//!
//! Source: the AWS General Reference, "AWS Regions" / "Regional endpoints" tables
//! (docs.aws.amazon.com/general/latest/gr/rande.html and
//! docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html), as read in
//! 2026-05: the commercial (`aws`) partition, AWS GovCloud (`aws-us-gov`), China (`aws-cn`) and
//! the AWS European Sovereign Cloud (`aws-eusc`). The isolated partitions (`aws-iso*`) are not
//! listed: their region codes are not public and Pinecone does not run there. When AWS opens a
//! region, add it here.

/// Every public AWS region code, by partition.
pub const AWS_REGIONS: &[&str] = &[
    // aws (commercial)
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    // aws-us-gov
    "us-gov-east-1",
    "us-gov-west-1",
    // aws-cn
    "cn-north-1",
    "cn-northwest-1",
    // aws-eusc
    "eusc-de-east-1",
];

/// Whether `name` is an AWS region code (exact, lower-case as AWS writes them).
pub fn is_aws_region(name: &str) -> bool {
    AWS_REGIONS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_well_formed_and_unique() {
        let re = regex::Regex::new(r"^[a-z]{2,4}(-[a-z]+)+-\d$").unwrap();
        for r in AWS_REGIONS {
            assert!(re.is_match(r), "{r}");
        }
        let mut sorted = AWS_REGIONS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), AWS_REGIONS.len());
        assert!(is_aws_region("us-east-1") && !is_aws_region("us-east-9") && !is_aws_region("US-EAST-1"));
    }
}
