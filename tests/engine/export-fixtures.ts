/** CVs for the export tests: scripts the standard PDF fonts cannot draw, single dates, open ranges, French. */
import { cvContentSchema, type CvContent } from "@/shared/cv";

/** Turkish and Cyrillic: DejaVu alone, no CJK font. */
export const ivan: CvContent = cvContentSchema.parse({
  basics: { name: "Иван Петров", label: "Site reliability engineer", email: "ivan@example.org", location: { city: "İstanbul" } },
  work: [
    { name: "Yandex", position: "Senior engineer", startDate: "2021-01", highlights: ["Led the migration of the search fleet to Kubernetes and cut the cost by a third."] },
    { name: "Trendyol", position: "Engineer", startDate: "2017-09", endDate: "2020-12", highlights: ["Built the payment service with Go and PostgreSQL."] },
  ],
  education: [{ institution: "Boğaziçi Üniversitesi", studyType: "BSc", area: "Computer Engineering", startDate: "2017" }],
  certificates: [{ name: "Certified Kubernetes Administrator", issuer: "CNCF", date: "2022-03" }],
  skills: [{ name: "Infrastructure", keywords: ["Kubernetes", "Terraform"] }],
  languages: [{ language: "Русский", fluency: "native" }, { language: "Türkçe", fluency: "fluent" }],
});

/** Chinese prose and name: the CJK font is needed, headings in Chinese. */
export const wang: CvContent = cvContentSchema.parse({
  basics: { name: "王伟", label: "机器学习工程师", email: "wang@example.cn", summary: "在大规模推荐系统和模型推理方面有八年经验。" },
  work: [{ name: "字节跳动", position: "高级工程师", startDate: "2019-07", highlights: ["负责推荐模型的在线推理服务，与 Иван Петров 合作。"] }],
  education: [{ institution: "清华大学", studyType: "硕士", startDate: "2016" }],
  projects: [{ name: "Boğaziçi exchange", description: "与土耳其大学的交换项目。", startDate: "2015" }],
});

/** French prose: French headings and dates. */
export const claire: CvContent = cvContentSchema.parse({
  basics: { name: "Claire Dubois", label: "Ingénieure données", summary: "Ingénieure des données avec six ans d’expérience dans la gestion des plateformes et le développement des pipelines pour les équipes produit." },
  work: [
    { name: "Helios", position: "Ingénieure données", startDate: "2021-02", highlights: ["Développement des pipelines de données avec Spark et dbt pour les équipes produit."] },
    { name: "Orange", position: "Analyste", startDate: "2018-09", endDate: "2021-01", highlights: ["Gestion des tableaux de bord et des rapports pour la direction."] },
  ],
  education: [{ institution: "Université Paris-Saclay", studyType: "Master", startDate: "2018" }],
  certificates: [{ name: "Google Cloud Professional Data Engineer", date: "2023-05" }],
  skills: [{ name: "Données", keywords: ["Spark", "dbt", "SQL"] }],
});
